#!/usr/bin/env python3
"""The oracle of tests/windows_match.rs, independent of patchcycle's importer and matcher:
prints (sorted) the CVEs of the monthly CVRF documents in DIR whose "Security Update"
remediation (Type "Vendor Fix") for PRODUCT_ID has a FixedBuild above BUILD (the highest
FixedBuild per CVE counts). Usage: count_missing.py DIR PRODUCT_ID BUILD"""
import collections, glob, os, subprocess, sys
import xml.etree.ElementTree as ET

NS = {"vuln": "http://www.icasi.org/CVRF/schema/vuln/1.1"}
directory, product, build = sys.argv[1], sys.argv[2], sys.argv[3]
host = tuple(int(x) for x in build.split("."))
need = collections.defaultdict(lambda: (0, 0, 0, 0))
for path in sorted(glob.glob(os.path.join(directory, "*.xml.zst"))):
    xml = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout
    for v in ET.fromstring(xml).findall("vuln:Vulnerability", NS):
        cve = v.findtext("vuln:CVE", namespaces=NS)
        for r in v.findall("vuln:Remediations/vuln:Remediation", NS):
            if r.get("Type") != "Vendor Fix":
                continue
            if product not in [p.text for p in r.findall("vuln:ProductID", NS)]:
                continue
            if (r.findtext("vuln:SubType", namespaces=NS) or "") != "Security Update":
                continue
            fixed = r.findtext("vuln:FixedBuild", namespaces=NS)
            if fixed:
                need[cve] = max(need[cve], tuple(int(x) for x in fixed.split(".")))
for cve in sorted(c for c, b in need.items() if b > host):
    print(cve)
