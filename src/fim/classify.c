// SPDX-License-Identifier: Apache-2.0
/* Path classification for FIM severities (see classify.h). Most specific class wins. */
#include "fim/classify.h"

#include <stdbool.h>
#include <string.h>

#include "fim/policy.h"

static bool under(const char *p, size_t len, const char *dir)
{
	return ward_fim_path_within(p, len, dir, strlen(dir));
}

static bool ends_with(const char *p, size_t len, const char *suf)
{
	size_t n = strlen(suf);

	return len >= n && memcmp(p + len - n, suf, n) == 0;
}

static bool has_component(const char *p, size_t len, const char *comp)
{
	size_t n = strlen(comp);

	for (size_t i = 0; i + n + 1 <= len; i++)
		if (p[i] == '/' && memcmp(p + i + 1, comp, n) == 0 &&
		    (i + 1 + n == len || p[i + 1 + n] == '/'))
			return true;
	return false;
}

enum ward_fim_class ward_fim_classify(const char *p, size_t len)
{
	static const char *const cred_files[] = {
		"/etc/shadow", "/etc/gshadow", "/etc/passwd", "/etc/group", "/etc/sudoers",
		"/etc/shadow-", "/etc/gshadow-", "/etc/security/opasswd",
	};
	static const char *const bin_dirs[] = {
		"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin",
		"/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/libexec", "/boot",
	};

	for (size_t i = 0; i < sizeof(cred_files) / sizeof(cred_files[0]); i++)
		if (len == strlen(cred_files[i]) && memcmp(p, cred_files[i], len) == 0)
			return WARD_FIM_CLASS_CREDENTIAL;
	if (under(p, len, "/etc/sudoers.d") || under(p, len, "/etc/ssh") ||
	    has_component(p, len, ".ssh") || has_component(p, len, ".gnupg") ||
	    has_component(p, len, "private") || ends_with(p, len, ".key") ||
	    ends_with(p, len, ".pem") || ends_with(p, len, "/authorized_keys") ||
	    ends_with(p, len, "/.netrc") || ends_with(p, len, "/.pgpass"))
		return WARD_FIM_CLASS_CREDENTIAL;
	for (size_t i = 0; i < sizeof(bin_dirs) / sizeof(bin_dirs[0]); i++)
		if (under(p, len, bin_dirs[i]))
			return WARD_FIM_CLASS_BINARY;
	if (ends_with(p, len, ".so") || memmem(p, len, ".so.", 4))
		return WARD_FIM_CLASS_BINARY;
	if (under(p, len, "/var/log"))
		return WARD_FIM_CLASS_LOG;
	if (under(p, len, "/etc") || ends_with(p, len, ".conf") || ends_with(p, len, ".yaml") ||
	    ends_with(p, len, ".yml"))
		return WARD_FIM_CLASS_CONFIG;
	if (ends_with(p, len, ".log"))
		return WARD_FIM_CLASS_LOG;
	return WARD_FIM_CLASS_OTHER;
}

const char *ward_fim_class_name(enum ward_fim_class c)
{
	switch (c) {
	case WARD_FIM_CLASS_CREDENTIAL: return "credentials";
	case WARD_FIM_CLASS_BINARY: return "binaries";
	case WARD_FIM_CLASS_CONFIG: return "configuration";
	case WARD_FIM_CLASS_LOG: return "logs";
	default: return "other";
	}
}

const char *ward_fim_class_severity(enum ward_fim_class c)
{
	switch (c) {
	case WARD_FIM_CLASS_CREDENTIAL: return "critical";
	case WARD_FIM_CLASS_BINARY: return "high";
	case WARD_FIM_CLASS_CONFIG: return "medium";
	case WARD_FIM_CLASS_LOG: return "low";
	default: return "info";
	}
}

enum ward_priority ward_fim_class_priority(enum ward_fim_class c)
{
	switch (c) {
	case WARD_FIM_CLASS_CREDENTIAL: return WARD_PRIO_CRITICAL;
	case WARD_FIM_CLASS_BINARY: return WARD_PRIO_ERROR;
	case WARD_FIM_CLASS_CONFIG: return WARD_PRIO_WARNING;
	case WARD_FIM_CLASS_LOG: return WARD_PRIO_NOTICE;
	default: return WARD_PRIO_INFORMATIONAL;
	}
}
