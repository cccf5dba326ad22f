#!/usr/bin/env python3
"""What the drop-in JAR is made of: compressed bytes per bundled library (by relocated package), the
ZIP's own overhead (headers and central directory, which grow with the number of entries and the
length of their relocated names), and, given class-load logs (-Xlog:class+load) of the valve at work,
how many of each library's classes were ever loaded. Sub-packages with no loaded class are listed as
removal candidates; whether one is safe to remove is a judgement (reflection, ServiceLoader, Log4j
plugins, configuration-only features), written up in docs/PERFORMANCE.md.

    jar_breakdown.py JAR [CLASSLOAD_LOG ...]     (Python 3 standard library only)
"""
import collections
import os
import re
import sys
import zipfile

S = "dev/portcullis/shaded/"
# (prefix, library) - first match wins
LIBRARIES = [
    (S + "logging/log4j/core/", "Log4j core"),
    (S + "logging/log4j/layout/template/json/", "Log4j JSON template layout"),
    (S + "logging/slf4j/", "Log4j SLF4J 2 binding"),
    (S + "logging/", "Log4j API"),
    (S + "commons/lang3/", "commons-lang3 (pac4j)"),
    (S + "commons/text/", "commons-text (pac4j)"),
    (S + "commons/codec/", "commons-codec (Santuario)"),
    (S + "xmlsec/", "Santuario xmlsec"),
    (S + "jaxb/api/", "Jakarta XML Binding API"),
    (S + "jaxb/", "JAXB runtime (Ehcache XML config)"),
    (S + "txw2/", "JAXB runtime (Ehcache XML config)"),
    (S + "istack/", "JAXB runtime (Ehcache XML config)"),
    (S + "activation/", "Jakarta Activation + Angus (JAXB)"),
    (S + "angus/", "Jakarta Activation + Angus (JAXB)"),
    (S + "ehcache/shadow/", "Ehcache: bundled Terracotta offheap/statistics"),
    (S + "ehcache/xml/", "Ehcache XML configuration"),
    (S + "ehcache/", "Ehcache core/impl"),
    (S + "terracottatech/", "Terracotta FRS / restartable offheap (in Ehcache jar)"),
    (S + "terracotta/", "Terracotta (in Ehcache jar)"),
    (S + "pac4j/", "pac4j core + jakartaee"),
    (S + "slf4j/", "SLF4J API"),
    ("dev/portcullis/", "Portcullis"),
    ("META-INF/", "META-INF"),
    ("", "other resources"),
]


def library(name):
    for prefix, lib in LIBRARIES:
        if name.startswith(prefix):
            return lib, prefix
    return "other resources", ""


def main():
    jar = sys.argv[1]
    loaded = set()
    for log in sys.argv[2:]:
        with open(log, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = re.search(r"\] (dev\.portcullis\.\S+) source:", line)
                if m:
                    loaded.add(m.group(1).replace(".", "/") + ".class")
    z = zipfile.ZipFile(jar)
    size = os.path.getsize(jar)
    comp = collections.Counter()
    entries = collections.Counter()
    classes = collections.Counter()
    used = collections.Counter()
    sub_comp = collections.Counter()
    sub_used = collections.Counter()
    sub_classes = collections.Counter()
    data = 0
    for info in z.infolist():
        lib, prefix = library(info.filename)
        comp[lib] += info.compress_size
        entries[lib] += 1
        data += info.compress_size
        if info.filename.endswith(".class"):
            classes[lib] += 1
            rest = info.filename[len(prefix):].split("/")
            sub = prefix + "/".join(rest[:2 if len(rest) > 2 else 1]) if len(rest) > 1 else prefix
            sub_comp[sub] += info.compress_size
            sub_classes[sub] += 1
            if info.filename in loaded:
                used[lib] += 1
                sub_used[sub] += 1
    overhead = size - data
    print(f"jar={jar}")
    print(f"jar_bytes={size}")
    print(f"jar_entries={len(z.infolist())}")
    print(f"zip_overhead_bytes={overhead}")
    print()
    print(f"| library (relocated package) | compressed KB | share | entries | classes loaded{' (of classes)' if loaded else ''} |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for lib, c in comp.most_common():
        share = 100.0 * c / size
        cov = f"{used[lib]} / {classes[lib]}" if loaded else str(classes[lib])
        print(f"| {lib} | {c / 1024:.0f} | {share:.1f}% | {entries[lib]} | {cov} |")
    print(f"| ZIP headers + central directory ({len(z.infolist())} entries) | {overhead / 1024:.0f} | "
          f"{100.0 * overhead / size:.1f}% | | |")
    if loaded:
        print()
        print("Sub-packages of which no class was loaded, largest first (candidates, not verdicts):")
        print()
        print("| sub-package | compressed KB | classes |")
        print("| --- | ---: | ---: |")
        shown = 0
        for sub, c in sub_comp.most_common():
            if sub_used[sub] == 0 and c >= 8 * 1024 and sub.startswith(S):
                print(f"| {sub[len(S):]} | {c / 1024:.0f} | {sub_classes[sub]} |")
                shown += 1
                if shown >= 40:
                    break
        total_unused = sum(c for sub, c in sub_comp.items() if sub_used[sub] == 0)
        print()
        print(f"unloaded_subpackages_compressed_bytes={total_unused}")
        print(f"loaded_classes={len(loaded & set(i.filename for i in z.infolist()))}")
        print(f"total_classes={sum(classes.values())}")


if __name__ == "__main__":
    main()
