// SPDX-License-Identifier: Apache-2.0
/*
 * SBOMs: CycloneDX 1.5 JSON (every package as a component, the OS as an operating-system
 * component, and the vulnerabilities when a database was used) and SPDX 2.3 JSON (every
 * package with its purl as an external reference, contained in the scanned artifact).
 * Both formats list the whole inventory; the severity filter does not thin an SBOM.
 */
#include "scan/report.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/jsonw.h"
#include "common/limits.h"
#include "scan/severity.h"

static void now_utc(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void prop(struct ward_jw *w, const char *name, const char *value)
{
	if (!value)
		return;
	ward_jw_obj_begin(w);
	ward_jw_kstr(w, "name", name);
	ward_jw_kstr(w, "value", value);
	ward_jw_obj_end(w);
}

static const char *cdx_sev(enum ward_severity s)
{
	switch (s) {
	case WARD_SEV_CRITICAL: return "critical";
	case WARD_SEV_HIGH: return "high";
	case WARD_SEV_MEDIUM: return "medium";
	case WARD_SEV_LOW: return "low";
	case WARD_SEV_NONE: return "none";
	default: return "unknown";
	}
}

int ward_report_cyclonedx(const struct ward_report_opts *o, const struct ward_scan_result *r,
			  struct ward_buf *out)
{
	struct ward_jw w;
	char uuid[37], ts[32], ref[48];
	const struct ward_os *os = &r->pkgs.os;

	ward_report_uuid(uuid);
	now_utc(ts);
	ward_jw_init(&w, out);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json");
	ward_jw_kstr(&w, "bomFormat", "CycloneDX");
	ward_jw_kstr(&w, "specVersion", "1.5");
	{
		char sn[64];

		snprintf(sn, sizeof(sn), "urn:uuid:%s", uuid);
		ward_jw_kstr(&w, "serialNumber", sn);
	}
	ward_jw_kint(&w, "version", 1);
	ward_jw_key(&w, "metadata");
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "timestamp", ts);
	ward_jw_key(&w, "tools");
	ward_jw_obj_begin(&w);
	ward_jw_key(&w, "components");
	ward_jw_arr_begin(&w);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "type", "application");
	ward_jw_kstr(&w, "name", "ward");
	ward_jw_kstr(&w, "version", WARD_VERSION);
	ward_jw_obj_end(&w);
	ward_jw_arr_end(&w);
	ward_jw_obj_end(&w);
	ward_jw_key(&w, "component");
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "bom-ref", "ward-target");
	ward_jw_kstr(&w, "type", !strcmp(r->kind, "image") ? "container" : "file");
	ward_jw_kstr(&w, "name", r->target);
	ward_jw_obj_end(&w);
	ward_jw_obj_end(&w);

	ward_jw_key(&w, "components");
	ward_jw_arr_begin(&w);
	if (os->id[0]) {
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "bom-ref", "ward-os");
		ward_jw_kstr(&w, "type", "operating-system");
		ward_jw_kstr(&w, "name", os->id);
		ward_jw_kstr(&w, "version", os->version_id);
		ward_jw_obj_end(&w);
	}
	for (size_t i = 0; i < r->pkgs.cnt; i++) {
		const struct ward_pkg *p = &r->pkgs.items[i];

		snprintf(ref, sizeof(ref), "ward-pkg-%zu", i);
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "bom-ref", ref);
		ward_jw_kstr(&w, "type", "library");
		ward_jw_kstr(&w, "name", p->name);
		ward_jw_kstr(&w, "version", p->version);
		if (p->purl)
			ward_jw_kstr(&w, "purl", p->purl);
		if (p->license) {
			ward_jw_key(&w, "licenses");
			ward_jw_arr_begin(&w);
			ward_jw_obj_begin(&w);
			ward_jw_key(&w, "license");
			ward_jw_obj_begin(&w);
			ward_jw_kstr(&w, "name", p->license);
			ward_jw_obj_end(&w);
			ward_jw_obj_end(&w);
			ward_jw_arr_end(&w);
		}
		ward_jw_key(&w, "properties");
		ward_jw_arr_begin(&w);
		prop(&w, "ward:ecosystem", p->ecosystem);
		prop(&w, "ward:source_name", p->src_name);
		prop(&w, "ward:source_version", p->src_version);
		prop(&w, "ward:layer", p->layer);
		prop(&w, "ward:path", p->path);
		ward_jw_arr_end(&w);
		ward_jw_obj_end(&w);
	}
	ward_jw_arr_end(&w);

	if (r->has_db) {
		ward_jw_key(&w, "vulnerabilities");
		ward_jw_arr_begin(&w);
		for (size_t i = 0; i < r->vulns.cnt; i++) {
			const struct ward_finding *f = &r->vulns.items[i];
			size_t pi = f->pkg ? (size_t)(f->pkg - r->pkgs.items) : 0;

			if (!f->pkg || pi >= r->pkgs.cnt || (!ward_report_vuln_shown(o, f) && !f->suppressed))
				continue;
			snprintf(ref, sizeof(ref), "ward-pkg-%zu", pi);
			ward_jw_obj_begin(&w);
			ward_jw_kstr(&w, "id", f->id);
			ward_jw_key(&w, "source");
			ward_jw_obj_begin(&w);
			ward_jw_kstr(&w, "name", "OSV");
			if (f->url)
				ward_jw_kstr(&w, "url", f->url);
			ward_jw_obj_end(&w);
			ward_jw_key(&w, "ratings");
			ward_jw_arr_begin(&w);
			ward_jw_obj_begin(&w);
			if (f->cvss_score > 0) {
				ward_jw_key(&w, "score");
				ward_jw_double(&w, f->cvss_score);
			}
			ward_jw_kstr(&w, "severity", cdx_sev(f->severity));
			if (f->cvss_vector && !strncmp(f->cvss_vector, "CVSS:3", 6)) {
				ward_jw_kstr(&w, "method", "CVSSv31");
				ward_jw_kstr(&w, "vector", f->cvss_vector);
			}
			ward_jw_obj_end(&w);
			ward_jw_arr_end(&w);
			if (f->summary)
				ward_jw_kstr(&w, "description", f->summary);
			if (f->fixed_version) {
				char rec[300];

				snprintf(rec, sizeof(rec), "Upgrade to %s", f->fixed_version);
				ward_jw_kstr(&w, "recommendation", rec);
			}
			if (f->suppressed) {
				ward_jw_key(&w, "analysis");
				ward_jw_obj_begin(&w);
				ward_jw_kstr(&w, "state", "not_affected");
				ward_jw_kstr(&w, "detail", f->suppressed_reason ? f->suppressed_reason : "");
				ward_jw_obj_end(&w);
			}
			ward_jw_key(&w, "affects");
			ward_jw_arr_begin(&w);
			ward_jw_obj_begin(&w);
			ward_jw_kstr(&w, "ref", ref);
			ward_jw_obj_end(&w);
			ward_jw_arr_end(&w);
			ward_jw_obj_end(&w);
		}
		ward_jw_arr_end(&w);
	}
	ward_jw_obj_end(&w);
	ward_buf_putc(out, '\n');
	return w.err;
}

/* SPDX license fields take expressions; a free-text license becomes NOASSERTION. */
static bool spdx_expr_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(".-+ ()", *s))
			return false;
	return true;
}

int ward_report_spdx(const struct ward_report_opts *o, const struct ward_scan_result *r,
		     struct ward_buf *out)
{
	struct ward_jw w;
	char uuid[37], ts[32], id[48], ns[128], creator[64];

	ward_report_uuid(uuid);
	now_utc(ts);
	snprintf(ns, sizeof(ns), "https://spdx.org/spdxdocs/ward-%s", uuid);
	snprintf(creator, sizeof(creator), "Tool: ward-%s", WARD_VERSION);
	ward_jw_init(&w, out);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "spdxVersion", "SPDX-2.3");
	ward_jw_kstr(&w, "dataLicense", "CC0-1.0");
	ward_jw_kstr(&w, "SPDXID", "SPDXRef-DOCUMENT");
	ward_jw_kstr(&w, "name", r->target);
	ward_jw_kstr(&w, "documentNamespace", ns);
	ward_jw_key(&w, "creationInfo");
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "created", ts);
	ward_jw_key(&w, "creators");
	ward_jw_arr_begin(&w);
	ward_jw_str(&w, creator);
	ward_jw_arr_end(&w);
	ward_jw_obj_end(&w);
	ward_jw_key(&w, "packages");
	ward_jw_arr_begin(&w);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "SPDXID", "SPDXRef-Artifact");
	ward_jw_kstr(&w, "name", r->target);
	ward_jw_kstr(&w, "downloadLocation", "NOASSERTION");
	ward_jw_kbool(&w, "filesAnalyzed", false);
	ward_jw_kstr(&w, "primaryPackagePurpose", !strcmp(r->kind, "image") ? "CONTAINER" : "FILE");
	ward_jw_obj_end(&w);
	for (size_t i = 0; i < r->pkgs.cnt; i++) {
		const struct ward_pkg *p = &r->pkgs.items[i];
		char src[WARD_SCAN_MAX_PATH + 128];

		snprintf(id, sizeof(id), "SPDXRef-Package-%zu", i);
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "SPDXID", id);
		ward_jw_kstr(&w, "name", p->name);
		ward_jw_kstr(&w, "versionInfo", p->version);
		ward_jw_kstr(&w, "downloadLocation", "NOASSERTION");
		ward_jw_kbool(&w, "filesAnalyzed", false);
		ward_jw_kstr(&w, "licenseConcluded", "NOASSERTION");
		ward_jw_kstr(&w, "licenseDeclared", spdx_expr_ok(p->license) ? p->license : "NOASSERTION");
		ward_jw_kstr(&w, "copyrightText", "NOASSERTION");
		snprintf(src, sizeof(src), "%s%s%s", p->path ? p->path : "", p->layer ? " in layer " : "",
			 p->layer ? p->layer : "");
		ward_jw_kstr(&w, "sourceInfo", src);
		if (p->purl) {
			ward_jw_key(&w, "externalRefs");
			ward_jw_arr_begin(&w);
			ward_jw_obj_begin(&w);
			ward_jw_kstr(&w, "referenceCategory", "PACKAGE-MANAGER");
			ward_jw_kstr(&w, "referenceType", "purl");
			ward_jw_kstr(&w, "referenceLocator", p->purl);
			ward_jw_obj_end(&w);
			ward_jw_arr_end(&w);
		}
		ward_jw_obj_end(&w);
	}
	ward_jw_arr_end(&w);
	ward_jw_key(&w, "relationships");
	ward_jw_arr_begin(&w);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "spdxElementId", "SPDXRef-DOCUMENT");
	ward_jw_kstr(&w, "relationshipType", "DESCRIBES");
	ward_jw_kstr(&w, "relatedSpdxElement", "SPDXRef-Artifact");
	ward_jw_obj_end(&w);
	for (size_t i = 0; i < r->pkgs.cnt; i++) {
		snprintf(id, sizeof(id), "SPDXRef-Package-%zu", i);
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "spdxElementId", "SPDXRef-Artifact");
		ward_jw_kstr(&w, "relationshipType", "CONTAINS");
		ward_jw_kstr(&w, "relatedSpdxElement", id);
		ward_jw_obj_end(&w);
	}
	ward_jw_arr_end(&w);
	ward_jw_obj_end(&w);
	ward_buf_putc(out, '\n');
	(void)o;
	return w.err;
}
