package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.portcullis.SsoValve;

/**
 * The drop-in JAR keeps to itself: every bundled class is relocated under {@code dev.portcullis},
 * and nothing a webapp's own libraries look up by a fixed name (ServiceLoader entries, Log4j's plugin
 * list) is left at that name, since a webapp's class loader also sees Tomcat's {@code lib/}.
 */
class ShadedJarIT {

    private static List<String> entries;
    private static Path jar;

    @BeforeAll
    static void open() throws Exception {
        jar = Path.of(SsoValve.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(jar.getFileName().toString()).as("the tests run against the packaged JAR").endsWith(".jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            entries = file.stream().map(ZipEntry::getName).toList();
        }
    }

    /**
     * The size promised to operators (docs/PERFORMANCE.md, issue 6: at most 8 MB). A new bundled
     * library, or a shade filter lost, shows here before it ships.
     */
    @Test
    void theJarStaysWithinEightMegabytes() throws Exception {
        assertThat(java.nio.file.Files.size(jar)).as("bytes of %s", jar.getFileName()).isLessThanOrEqualTo(8_000_000L);
    }

    /** Also in a multi-release JAR (the Tomcat 9 one): a class for Java 17+ only counts under its own name. */
    @Test
    void everyClassIsUnderDevPortcullis() {
        assertThat(entries.stream().map(e -> e.replaceFirst("^META-INF/versions/\\d+/", ""))
                .filter(e -> e.endsWith(".class") && !e.startsWith("dev/portcullis/"))).isEmpty();
        assertThat(entries).contains("dev/portcullis/shaded/pac4j/core/config/Config.class",
                "dev/portcullis/shaded/xmlsec/signature/XMLSignature.class");
    }

    @Test
    void serviceEntriesOnlyForRelocatedInterfaces() {
        assertThat(entries.stream().filter(e -> e.startsWith("META-INF/services/") && !e.endsWith("/"))
                .map(e -> e.substring("META-INF/services/".length())))
                .allSatisfy(service -> assertThat(service).startsWith("dev.portcullis."));
    }

    /** A trimmed-away class that a service entry still names fails at run time, in ServiceLoader, not here. */
    @Test
    void everyServiceEntryNamesAClassTheJarCarries() throws Exception {
        List<String> missing = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (String entry : entries) {
                if (!entry.startsWith("META-INF/services/") || entry.endsWith("/")) {
                    continue;
                }
                String text = new String(file.getInputStream(file.getEntry(entry)).readAllBytes(), StandardCharsets.UTF_8);
                for (String line : text.split("\\R")) {
                    String provider = line.replaceFirst("#.*", "").strip();
                    if (!provider.isEmpty() && !entries.contains(provider.replace('.', '/') + ".class")) {
                        missing.add(entry + " -> " + provider);
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    /**
     * ehcacheConfig is read by CacheConfigFile: Ehcache's JAXB-based XmlConfiguration, JAXB itself and the JCache
     * adapter (whose XML parsers were its only users) are not in the JAR, while everything the cluster add-on's
     * tc: parsers are built on, and the core schema they are checked against, is.
     */
    @Test
    void ehcachesXmlReaderAndJaxbAreLeftOutAndWhatTheClusteredParsersNeedStays() {
        assertThat(entries).doesNotContain("dev/portcullis/shaded/ehcache/xml/XmlConfiguration.class",
                        "dev/portcullis/shaded/ehcache/xml/ConfigurationParser.class",
                        "dev/portcullis/shaded/ehcache/jsr107/internal/Jsr107ServiceConfigurationParser.class")
                .noneMatch(e -> e.startsWith("dev/portcullis/shaded/ehcache/xml/model/") || e.contains("/jaxb/")
                        || e.startsWith("jakarta/xml/bind/") || e.startsWith("org/glassfish/jaxb/")
                        || e.startsWith("META-INF/services/dev.portcullis.shaded.ehcache.xml."));
        assertThat(entries).contains("dev/portcullis/session/CacheConfigFile.class", "ehcache-core.xsd",
                "dev/portcullis/shaded/ehcache/xml/Parser.class",
                "dev/portcullis/shaded/ehcache/xml/CacheManagerServiceConfigurationParser.class",
                "dev/portcullis/shaded/ehcache/xml/CacheResourceConfigurationParser.class",
                "dev/portcullis/shaded/ehcache/xml/CacheServiceConfigurationParser.class",
                "dev/portcullis/shaded/ehcache/xml/BaseConfigParser.class",
                "dev/portcullis/shaded/ehcache/xml/ParsingUtil.class",
                "dev/portcullis/shaded/ehcache/xml/XmlUtil.class",
                "dev/portcullis/shaded/ehcache/xml/exceptions/XmlConfigurationException.class");
    }

    @Test
    void log4jsPluginListIsWhereOnlyTheRelocatedLog4jLooks() {
        assertThat(entries).doesNotContain("META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat")
                .contains("META-INF/dev/portcullis/shaded/logging/log4j/core/config/plugins/Log4j2Plugins.dat");
    }

    /**
     * Log4j finds its appenders, layouts and configuration readers only through this list: every class it
     * names must be one the JAR carries, under its relocated name.
     */
    @Test
    void log4jsPluginListNamesTheRelocatedClasses() throws Exception {
        List<String> named = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile());
             DataInputStream in = new DataInputStream(new BufferedInputStream(file.getInputStream(
                     file.getEntry("META-INF/dev/portcullis/shaded/logging/log4j/core/config/plugins/Log4j2Plugins.dat"))))) {
            // Log4j's format: categories, each with its plugins (key, class name, plugin name, printable, defer).
            for (int categories = in.readInt(); categories > 0; categories--) {
                in.readUTF();
                for (int plugins = in.readInt(); plugins > 0; plugins--) {
                    in.readUTF();
                    named.add(in.readUTF());
                    in.readUTF();
                    in.readBoolean();
                    in.readBoolean();
                }
            }
            assertThat(in.read()).as("nothing after the last plugin").isEqualTo(-1);
        }
        assertThat(named).hasSizeGreaterThan(100)
                .contains("dev.portcullis.shaded.logging.log4j.core.appender.RollingFileAppender",
                        "dev.portcullis.shaded.logging.log4j.core.config.xml.XmlConfigurationFactory");
        assertThat(named.stream().filter(c -> !entries.contains(c.replace('.', '/') + ".class"))).isEmpty();
    }

    @Test
    void noBareLog4jConfigurationAWebappsLog4jWouldPickUp() {
        assertThat(entries).noneMatch(e -> e.matches("log4j2(-test)?\\.(xml|json|yaml|yml|properties)"));
    }

    /**
     * Portcullis asks Tomcat to skip this JAR when a webapp starts (JarScanExclusion, found by its marker
     * entry), which is only right while the JAR holds nothing such a scan looks for: no TLD, no web
     * fragment, no ServletContainerInitializer, no class a webapp's annotations scan would want.
     */
    @Test
    void carriesTheScanMarkerAndNothingTomcatsScansLookFor() {
        assertThat(entries).contains(dev.portcullis.tomcat.JarScanExclusion.MARKER);
        assertThat(entries).noneMatch(e -> e.startsWith("META-INF/") && e.endsWith(".tld"))
                .doesNotContain("META-INF/web-fragment.xml",
                        "META-INF/services/jakarta.servlet.ServletContainerInitializer",
                        "META-INF/services/javax.servlet.ServletContainerInitializer");
    }
}
