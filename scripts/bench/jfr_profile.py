#!/usr/bin/env python3
"""Summarises a JFR recording of a benchmark: CPU samples (jdk.ExecutionSample) as top self frames and as
inclusive shares of chosen methods, and allocation samples (jdk.ObjectAllocationSample) by allocation
site. Reads `jfr print --json` output. Python 3 standard library only.

    jfr print --json --stack-depth 256 --events jdk.ExecutionSample,jdk.ObjectAllocationInNewTLAB,jdk.ObjectAllocationOutsideTLAB REC.jfr > rec.json
    jfr_profile.py rec.json [FILTER [EXCLUDE]]
        only stacks with a frame containing FILTER (e.g. SsoValve.invoke) and none containing EXCLUDE
        (e.g. StandardHostValve.invoke, to keep the valve's own work and drop the webapp's)
"""
import collections
import json
import sys

events = json.load(open(sys.argv[1]))["recording"]["events"]
only = sys.argv[2] if len(sys.argv) > 2 else None
exclude = sys.argv[3] if len(sys.argv) > 3 else None


def frames(event):
    out = []
    for f in event["values"]["stackTrace"]["frames"] if event["values"].get("stackTrace") else []:
        m = f["method"]
        out.append(m["type"]["name"].replace("/", ".").split(".")[-1] + "." + m["name"])
    return out


cpu = [frames(e) for e in events if e["type"] == "jdk.ExecutionSample"]
# TLAB events: a new TLAB stands for tlabSize bytes of allocation by that stack (JMC's estimate); an
# allocation outside a TLAB for its own size. ObjectAllocationSample carries its own weight.
WEIGHT = {"jdk.ObjectAllocationInNewTLAB": "tlabSize", "jdk.ObjectAllocationOutsideTLAB": "allocationSize",
          "jdk.ObjectAllocationSample": "weight"}
alloc = [(frames(e), e["values"].get(WEIGHT[e["type"]], 0), e["values"]["objectClass"]["name"])
         for e in events if e["type"] in WEIGHT]
all_cpu = len(cpu)
if only:
    cpu = [s for s in cpu if any(only in f for f in s)]
    alloc = [a for a in alloc if any(only in f for f in a[0])]
if exclude:
    cpu = [s for s in cpu if not any(exclude in f for f in s)]
    alloc = [a for a in alloc if not any(exclude in f for f in a[0])]

total = len(cpu)
print(f"cpu_samples={total} of {all_cpu} in the recording ({100.0 * total / max(all_cpu, 1):.1f}%)")
self_count = collections.Counter(s[0] for s in cpu if s)
print("\nTop frames by self samples:")
for name, n in self_count.most_common(25):
    print(f"  {100.0 * n / total:5.1f}%  {name}")
incl = collections.Counter()
for s in cpu:
    for name in set(s):
        incl[name] += 1
print("\nInclusive share (methods in >= 2% of samples, Portcullis, Santuario, Xerces, JCA, Ehcache):")
keys = ("ResponseValidator", "SignatureValidator", "SecureXml", "Dom.", "CacheReplayCache", "SessionIds",
        "XMLSignature", "SignedInfo", "Reference", "Canonicalizer", "DocumentBuilderImpl.parse", "RSA",
        "Signature.verify", "Ehcache", "Base64", "getElementsByTag", "XMLUtils", "Manifest", "ResolverFragment",
        "OnHeapStore", "ElementImpl", "Pattern", "String.", "Step", "SsoEngine", "SsoValve", "CacheSessionStore",
        "SessionRepository", "DefaultSecurityLogic", "IdentityBinder", "ValveWebContext", "MessageDigest",
        "ProfileManager", "Matcher", "Authorizer", "Cookie", "CallContext", "GenericPrincipal")
for name, n in incl.most_common():
    if 100.0 * n / total >= 2 and any(k in name for k in keys):
        print(f"  {100.0 * n / total:5.1f}%  {name}")
if alloc:
    wtotal = sum(w for _, w, _ in alloc)
    print(f"\nallocation_samples={len(alloc)} sampled_weight_mb={wtotal / 1e6:.0f}")
    site = collections.Counter()
    for fs, w, cls in alloc:
        # first frame outside java.*/jdk.* collections helpers, for a readable site
        top = next((f for f in fs if not f.split(".")[0] in ("Arrays", "ArrayList", "StringBuilder",
                    "AbstractStringBuilder", "StringLatin1", "String", "StringConcatHelper", "DirectMethodHandle$Holder",
                    "Invokers$Holder", "LambdaForm$MH", "HashMap", "LinkedHashMap")), fs[0] if fs else "?")
        site[(top, cls)] += w
    print("Top allocation sites (first frame outside JDK collection/string helpers, class):")
    for (top, cls), w in site.most_common(20):
        print(f"  {100.0 * w / wtotal:5.1f}%  {top}  [{cls}]")
    incl_a = collections.Counter()
    for fs, w, _ in alloc:
        for name in set(fs):
            incl_a[name] += w
    print("Inclusive allocation share (>= 3%):")
    for name, w in incl_a.most_common(60):
        if 100.0 * w / wtotal >= 3 and any(k in name for k in keys):
            print(f"  {100.0 * w / wtotal:5.1f}%  {name}")
