/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every bound on untrusted input, in one place. Exceeding one is a clear error
 * (-WARD_E_LIMIT with a diagnostic), never a crash or unbounded allocation.
 */
#ifndef WARD_LIMITS_H
#define WARD_LIMITS_H

/* config */
#define WARD_CONFIG_MAX_BYTES (1u << 20)
#define WARD_CONFIG_MAX_KEYS 1024
#define WARD_CONFIG_MAX_DEPTH 8
#define WARD_CONFIG_MAX_LIST 4096

/* events and process table */
#define WARD_PROC_TABLE_DEFAULT 32768
#define WARD_PROC_TABLE_MAX 1048576
#define WARD_PROC_ANCESTORS 8
#define WARD_CONTAINER_TABLE_MAX 4096
#define WARD_CGROUP_CACHE_MAX 8192

/* capture files */
#define WARD_CAPTURE_MAX_RECORD (64u << 10)

/* Docker Engine API responses */
#define WARD_DOCKER_MAX_RESPONSE (4u << 20)
#define WARD_DOCKER_MAX_LABELS 256
#define WARD_DOCKER_MAX_LABEL_LEN 4096   /* label key or value; longer labels are dropped */
#define WARD_DOCKER_QUEUE_MAX 256        /* pending engine queries; more wait for a later sighting */

/* podman's containers/storage records (overlay-containers/containers.json, overlay-images/images.json) */
#define WARD_PODMAN_MAX_FILE (32u << 20)     /* bytes in one of those files */
#define WARD_PODMAN_MAX_META 65536           /* bytes in one container's "metadata" string */

/* cgroup paths (one /proc/<pid>/cgroup line or a kernel record slot) */
#define WARD_CGROUP_PATH_MAX 4096

/* pre-runtime scanning (src/scan) */
#define WARD_SCAN_MAX_PATH 4096                 /* bytes in one archive entry name */
#define WARD_SCAN_MAX_PATH_DEPTH 128            /* components in one entry name */
#define WARD_SCAN_MAX_ENTRY_BYTES (64ull << 30) /* a tar header claiming more is hostile */
#define WARD_SCAN_MAX_ENTRIES (2u << 20)        /* entries over all layers (32 B each kept) */
#define WARD_SCAN_MAX_NAME_BYTES (256u << 20)   /* entry names and link targets kept */
#define WARD_SCAN_MAX_NODES (4u << 20)          /* names of the replayed filesystem */
#define WARD_SCAN_MAX_SYMLINKS 40               /* followed resolving one path, as Linux */
#define WARD_SCAN_MAX_RESOLVE 8192              /* components walked resolving one path */
#define WARD_SCAN_MAX_LAYERS 512
#define WARD_SCAN_MAX_LAYER_BYTES (256ull << 30) /* uncompressed bytes of one layer */
#define WARD_SCAN_MAX_RATIO 1000                /* uncompressed:compressed, once past... */
#define WARD_SCAN_RATIO_FLOOR (64u << 20)       /* ...this many uncompressed bytes */
#define WARD_SCAN_MAX_JSON (4u << 20)           /* manifest, index, config, package JSON */
#define WARD_SCAN_MAX_PKGDB (64u << 20)         /* dpkg status, apk installed, rpmdb */
#define WARD_SCAN_MAX_FILE (16u << 20)          /* content read for parsers and YARA */
#define WARD_SCAN_MAX_SECRET_FILE (1u << 20)    /* text files searched for secrets */
#define WARD_SCAN_MAX_ARCHIVE_NEST 3            /* jar in war in ear */
#define WARD_SCAN_MAX_PKGS (1u << 20)           /* packages in one inventory */
#define WARD_SCAN_MAX_FINDINGS 100000           /* secret + malware hits kept */
#define WARD_SCAN_MAX_HITS_PER_FILE 100
#define WARD_SCAN_MAX_FIELD 4096                /* one package field (name, version, ...) */
#define WARD_SCAN_MAX_RPM_TAGS 65536            /* index entries in one rpm header */
#define WARD_SCAN_MAX_RULES 1024                /* secret rules in a rule file */
#define WARD_SCAN_MAX_RULE_FILE (1u << 20)
#define WARD_SCAN_MAX_IGNORE_FILE (4u << 20)
#define WARD_SCAN_PIPE_JOBS 1024                /* files queued for the analysis worker */
#define WARD_SCAN_PIPE_BYTES (4u << 20)         /* the worker's content ring */

/* response actions and forensic bundles (src/respond) */
#define WARD_RESPOND_MAX_PIDS 4096             /* processes acted on in one cgroup */
#define WARD_RESPOND_CGROUP_DEPTH 8            /* directory levels searched for a container */
#define WARD_RESPOND_RATE_SLOTS 1024           /* workloads tracked by the rate limiter */
#define WARD_BLOCK_MAX_RULES 256               /* paths, dirs and hashes one blocker denies */
#define WARD_BLOCK_HASH_MAX_BYTES (512u << 20) /* larger files are not hashed (allowed) */
#define WARD_BLOCK_CACHE_SLOTS 4096
#define WARD_QUARANTINE_MAX_ALLOW 16           /* must match bpf/quarantine.bpf.c */
#define WARD_COLLECT_MAX_PROCS 256
#define WARD_COLLECT_PROC_FILE_MAX (16u << 20) /* one /proc text file */
#define WARD_COLLECT_MEM_REGION_MAX (256u << 20) /* bytes dumped from one mapping */
#define WARD_COLLECT_MAX_FDS 4096
#define WARD_COLLECT_UPPER_MAX_FILES 10000
#define WARD_BUNDLE_MAX_ENTRIES 200000
#define WARD_BUNDLE_MAX_MANIFEST (32u << 20)
#define WARD_BUNDLE_MAX_SMALL (64u << 10)      /* manifest.sig, hostkey.pub */
#define WARD_BUNDLE_MAX_PATH 1024
#define WARD_BUNDLE_MAX_TOTAL (16ull << 30)    /* uncompressed bytes verify reads */

/* vulnerability database (src/vulndb) */
#define WARD_VERSION_MAX_LEN 256          /* one version string */
#define WARD_OSV_MAX_RECORD (4u << 20)    /* one OSV JSON record file or zip entry */
#define WARD_OSV_MAX_ZIP_ENTRIES 1000000  /* entries read from one zip export */
#define WARD_OSV_MAX_ZIP_BYTES (4ull << 30) /* uncompressed bytes read from one zip export */
#define WARD_OSV_MAX_AFFECTED 4096        /* affected[] entries in one record */
#define WARD_OSV_MAX_EVENTS 4096          /* range events + versions of one affected entry */
#define WARD_OSV_MAX_ALIASES 256
#define WARD_OSV_MAX_DIR_DEPTH 16         /* nested directories walked by db import */
#define WARD_IGNORE_MAX_BYTES (4u << 20)  /* ignore file (YAML or text) */
#define WARD_IGNORE_MAX_ENTRIES 65536
#define WARD_VEX_MAX_BYTES (16u << 20)    /* one OpenVEX document */
#define WARD_VEX_MAX_STATEMENTS 65536
/* file integrity monitoring */
#define WARD_FIM_PATH_MAX 4096          /* longest path scanned; longer ones are reported */
#define WARD_FIM_LINK_MAX 4096          /* longest symlink target stored */
#define WARD_FIM_DEPTH_MAX 256          /* nesting followed (one open fd per level) */
#define WARD_FIM_DIR_ENTRIES_MAX (4u << 20) /* names read from one directory */
#define WARD_FIM_XATTR_LIST_MAX (64u << 10) /* bytes of xattr names per file */
#define WARD_FIM_XATTR_VALUE_MAX (64u << 10) /* bytes of one xattr value */
#define WARD_FIM_SPEC_MAX 1024          /* one attribute-group spec */
#define WARD_FIM_GROUPS_MAX 64          /* named attribute groups */
#define WARD_FIM_GROUP_NAME_MAX 32
#define WARD_FIM_ROOTS_MAX 256          /* configured paths */
#define WARD_FIM_EXCLUDES_MAX 1024      /* exclude globs */
#define WARD_FIM_GLOB_MAX 1024          /* one exclude glob */
#define WARD_FIM_QUEUE 512              /* entries in flight between walker, hashers, comparer */
#define WARD_FIM_KEY_MIN 32             /* HMAC key file size bounds */
#define WARD_FIM_KEY_MAX 1024
#define WARD_FIM_COALESCE_MAX 1024      /* distinct paths pending in one watch window */
#define WARD_FIM_PROC_CMDLINE_MAX 4096  /* bytes of /proc/<pid>/cmdline kept */
#define WARD_FIM_MOUNTINFO_MAX (4u << 20) /* bytes of /proc/<pid>/mountinfo read */

/* rule files and conditions (src/rules) */
#define WARD_RULES_MAX_FILE_BYTES (16u << 20)  /* one rule file */
#define WARD_RULES_MAX_FILES 4096              /* files loaded from all paths and dirs */
#define WARD_RULES_MAX_ITEMS 100000            /* rules + macros + lists over all files */
#define WARD_RULES_MAX_YAML_DEPTH 32           /* YAML nesting in a rule file */
#define WARD_RULES_MAX_COND_LEN (256u << 10)   /* one condition after appends */
#define WARD_RULES_MAX_DEPTH 200               /* parens and nots nested in a condition */
#define WARD_RULES_MAX_MACRO_DEPTH 64          /* macros nested in macros */
#define WARD_RULES_MAX_LIST_ITEMS 100000       /* values of one list after expansion */
#define WARD_RULES_MAX_OUTPUT_LEN (64u << 10)  /* one output template */
#define WARD_RULES_MAX_MSGS 2000               /* diagnostics kept in a load report */
#define WARD_RULES_MAX_TAGS 64                 /* tags on one rule */
#define WARD_RULES_MAX_OUT_FIELDS 128          /* %fields in one output */
#define WARD_RULES_MAX_ALERT_BYTES (256u << 10) /* rendered output + field values of one match */
#define WARD_RULES_ANAME_DEPTH 32              /* ancestors walked by proc.aname without index */
#define WARD_RULES_PASSWD_MAX (8u << 20)       /* bytes of /etc/passwd or /etc/group read */
/* compile budgets (docs/rules.md, "Budgets"): what a hostile file can make the loader do */
#define WARD_RULES_MAX_YAML_ALIAS_NODES (1u << 20) /* YAML nodes that aliases add, per file */
#define WARD_RULES_MAX_LOADED_ITEMS (1u << 20) /* list items and exception values, all files */
#define WARD_RULES_MAX_RULE_NODES (1u << 16)   /* one condition's nodes with macros inlined */
#define WARD_RULES_MAX_SET_NODES (1u << 22)    /* the same, summed over the ruleset */
#define WARD_RULES_MAX_SET_VALUES (1u << 22)   /* list values after expansion, over the ruleset */
#define WARD_RULES_MAX_COMPILE_SECS 60         /* wall-clock backstop for one load */

/* alerts, outputs and metrics (src/alert) */
#define WARD_PRIO_NAME_MAX 16                /* longest priority word parsed */
#define WARD_ALERT_JSON_MAX (1u << 20)       /* one serialized alert */
#define WARD_RL_KEYS_DEFAULT 4096            /* (rule, workload) buckets kept */
#define WARD_RL_KEYS_MAX 1048576
#define WARD_RL_RULE_MAX 128                 /* bytes of a rule name kept per bucket */
#define WARD_RL_WORKLOAD_MAX 256             /* bytes of a workload kept per bucket */
#define WARD_RL_PER_MIN_MAX 1000000          /* rules.rate_limit_per_min */
#define WARD_RL_EXIT_KEYS_MAX 32             /* keys named at exit with unreported suppressions */
#define WARD_METRICS_RULES_MAX 4096          /* rules with their own ward_alerts_total series */
#define WARD_METRICS_CPUS_MAX 1024           /* ward_drops_total{cpu} series */
#define WARD_METRICS_TEXT_MAX (4u << 20)     /* one rendered /metrics page */
#define WARD_METRICS_LISTEN_MAX 128          /* metrics.listen ADDR:PORT */
#define WARD_METRICS_INTERVAL_MAX 86400      /* metrics.interval_s */
#define WARD_OUTPUT_FILE_KEEP_MAX 100        /* outputs.file.keep */
#define WARD_WEBHOOK_QUEUE_MAX 65536         /* outputs.webhook.queue */
#define WARD_WEBHOOK_URL_MAX 2048            /* outputs.webhook.url */
#define WARD_WEBHOOK_RETRIES_MAX 30          /* outputs.webhook.retries */
#define WARD_WEBHOOK_TIMEOUT_MAX 300         /* outputs.webhook.timeout_s, flush time */
#define WARD_WEBHOOK_HEADERS_MAX 32          /* outputs.webhook.headers items */
#define WARD_WEBHOOK_HEADER_MAX 8192         /* one "Name: value" header line */
#define WARD_WEBHOOK_UA_MAX 256              /* outputs.webhook.user_agent */

#endif
