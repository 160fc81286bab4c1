// SPDX-License-Identifier: Apache-2.0
// ward's own small YARA rule set: test files, coin miners, reverse shells and web shells.
// Deliberately narrow (few false positives on distro images); add your own with --yara-rules.

rule ward_eicar_test_file
{
    meta:
        description = "EICAR anti-malware test file"
        severity = "HIGH"
    strings:
        $eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    condition:
        $eicar
}

rule ward_cryptominer_xmrig
{
    meta:
        description = "XMRig-style cryptocurrency miner (stratum pool and miner options)"
        severity = "CRITICAL"
    strings:
        $pool1 = "stratum+tcp://" ascii wide
        $pool2 = "stratum+ssl://" ascii wide
        $pool3 = "stratum2+tcp://" ascii
        $name = "xmrig" ascii wide nocase
        $opt1 = "--donate-level" ascii
        $opt2 = "randomx" ascii nocase
        $opt3 = "\"coin\": \"monero\"" ascii nocase
        $opt4 = "nicehash" ascii nocase
    condition:
        (any of ($pool*) and ($name or any of ($opt*))) or ($name and 2 of ($opt*))
}

rule ward_reverse_shell
{
    meta:
        description = "Reverse shell one-liner"
        severity = "CRITICAL"
    strings:
        $bash1 = /bash -i >& ?\/dev\/tcp\/[0-9a-zA-Z.\-]+\/[0-9]+/
        $bash2 = /\/dev\/tcp\/[0-9a-zA-Z.\-]+\/[0-9]+ 0>&1/
        $nc1 = / -e \/bin\/(ba)?sh [0-9a-zA-Z.\-]+ [0-9]+/
        $fifo = /mkfifo \/tmp\/[a-z0-9]+; ?(cat|nc)[^\n]{0,40}\/bin\/(ba)?sh -i/
        $py = /socket\.socket\([^\n]{0,200}os\.dup2\([^\n]{0,200}(subprocess\.call|pty\.spawn)\(\[?["']\/bin\/(ba)?sh/
        $perl = /perl -e ['"]use Socket;[^\n]{0,200}exec\(["']\/bin\/(ba)?sh -i["']\)/
    condition:
        any of them
}

rule ward_php_webshell
{
    meta:
        description = "PHP web shell: executes code or commands taken from the request"
        severity = "CRITICAL"
    strings:
        // literal atoms keep this cheap on the binaries every image is full of
        $php = "<?php" nocase
        $in1 = "$_GET[" nocase
        $in2 = "$_POST[" nocase
        $in3 = "$_REQUEST[" nocase
        $in4 = "$_COOKIE[" nocase
        $call = /(eval|assert|system|shell_exec|passthru|popen|exec|create_function)\s*\(\s*(base64_decode\s*\(\s*)?\$_(GET|POST|REQUEST|COOKIE)\s*\[/ nocase
    condition:
        $php and any of ($in*) and $call
}
