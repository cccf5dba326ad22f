#!/usr/bin/env python3
"""Where a Tomcat start spends its sampled CPU: reads `jfr print --json --events jdk.ExecutionSample` of a
recording taken from JVM start to "Server startup in" (scripts/bench/stock-profile.sh) and prints, per thread,
its samples and the share of them inside each part (inclusive: a sample counts for every part on its stack).
JFR samples only threads running Java code, not the VM's own class parsing and verification, so class loading
shows here only by its Java side; the JVM's own counters (stock-startup.sh, STOCK_COUNTERS=1) give its total.
Python 3 standard library only.

    startup_profile.py rec.json
"""
import collections
import json
import sys

# (part, substrings of a frame "package.Class.method"): first list wins for naming, every match counts.
PARTS = [
    ("Log4j plugin registry (collecting plugins)", ("log4j.core.config.plugins.util.PluginRegistry",
                                                   "log4j.core.config.plugins.util.PluginManager")),
    ("Log4j JSON template layout (audit log)", ("log4j.layout.template.json",)),
    ("Log4j configuration (all of it)", ("log4j.core.config.", "log4j.core.LoggerContext", "log4j.core.impl.Log4jContextFactory")),
    ("Ehcache XML configuration (JAXB)", ("shaded.ehcache.xml.", "shaded.jaxb", "shaded.glassfish")),
    ("Ehcache (all of it)", ("shaded.ehcache",)),
    ("Santuario", ("shaded.xmlsec",)),
    ("pac4j", ("shaded.pac4j",)),
    ("IdP metadata", ("IdpMetadataParser", "IdpTrust")),
    ("SsoEngine.start", ("dev.portcullis.engine.SsoEngine.start",)),
    ("SsoValve.startInternal", ("dev.portcullis.SsoValve.startInternal",)),
    ("Portcullis preparation thread's warm-up", ("SsoValve$Preparation.warmUp", "Preparation.warmUp")),
    ("JCA (keys, certificates, SecureRandom)", ("sun.security.", "java.security.")),
    ("Java class loading (loadClass, defineClass, JAR reads)", ("java.lang.ClassLoader.loadClass", "java.lang.ClassLoader.defineClass",
                                                           "jdk.internal.loader.", "java.net.URLClassLoader",
                                                           "java.util.zip.", "java.util.jar.")),
    ("Tomcat JAR scanning", ("org.apache.tomcat.util.scan.", "org.apache.jasper.servlet.TldScanner",
                             "org.apache.catalina.startup.ContextConfig.processAnnotations")),
    ("Tomcat deploying webapps", ("org.apache.catalina.startup.HostConfig.deploy",)),
]


def frames(event):
    trace = event["values"].get("stackTrace") or {}
    out = []
    for f in trace.get("frames", []):
        m = f["method"]
        out.append(m["type"]["name"].replace("/", ".") + "." + m["name"])
    return out


events = json.load(open(sys.argv[1]))["recording"]["events"]
threads = collections.defaultdict(list)
for e in events:
    if e["type"] == "jdk.ExecutionSample":
        thread = (e["values"].get("sampledThread") or {}).get("javaName") or "?"
        threads[thread].append(frames(e))
total = sum(len(s) for s in threads.values())
print(f"samples={total} (one per ms of a thread running Java code)")
for thread, samples in sorted(threads.items(), key=lambda t: -len(t[1])):
    if len(samples) < max(5, total // 100):
        continue
    print(f"\n{thread}: {len(samples)} samples ({100.0 * len(samples) / total:.0f}% of all)")
    for part, keys in PARTS:
        n = sum(1 for s in samples if any(k in f for f in s for k in keys))
        if n:
            print(f"  {n:6d}  {100.0 * n / len(samples):5.1f}%  {part}")
