package dev.portcullis.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.ehcache.config.CacheConfiguration;
import org.ehcache.config.ResourcePool;
import org.ehcache.config.ResourcePools;
import org.ehcache.config.ResourceType;
import org.ehcache.config.SizedResourcePool;
import org.ehcache.impl.config.persistence.DefaultPersistenceConfiguration;
import org.ehcache.xml.XmlConfiguration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CacheConfigFile}: the ehcacheConfig files Portcullis reads without JAXB mean to it what they mean to
 * Ehcache's own XmlConfiguration (read side by side here, JAXB being on the test class path only), and
 * everything it does not read is refused by name, each refusal beside the same file without the fault.
 */
class CacheConfigFileTest {

    private static final Path CONF = Path.of("..", "conf");
    private static final ClassLoader LOADER = CacheConfigFileTest.class.getClassLoader();

    @TempDir
    Path dir;

    /** A file with the four templates, each with the given body. */
    private Path file(String body) throws Exception {
        return file("", body);
    }

    private Path file(String before, String body) throws Exception {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<config xmlns=\"http://www.ehcache.org/v3\">\n").append(before);
        for (String name : CacheConfigFile.TEMPLATES) {
            xml.append("  <cache-template name=\"").append(name).append("\">").append(body).append("</cache-template>\n");
        }
        return write(xml.append("</config>\n").toString());
    }

    private Path write(String xml) throws Exception {
        Path file = Files.createTempFile(dir, "ehcache", ".xml");
        Files.writeString(file, xml, StandardCharsets.UTF_8);
        return file;
    }

    /** Each resource of each template: type, size, unit, persistence. */
    private static Map<String, String> resources(ResourcePools pools) {
        Map<String, String> described = new LinkedHashMap<>();
        for (ResourceType<?> type : pools.getResourceTypeSet()) {
            ResourcePool pool = pools.getPoolForResource(type);
            String size = pool instanceof SizedResourcePool sized ? sized.getSize() + " " + sized.getUnit() : "";
            described.put(String.valueOf(type), size + (pool.isPersistent() ? " persistent" : ""));
        }
        return described;
    }

    private static Map<String, Map<String, String>> ours(Path file) {
        CacheConfigFile config = CacheConfigFile.read(file, LOADER);
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        for (String name : CacheConfigFile.TEMPLATES) {
            all.put(name, resources(config.template(name, Object.class).build().getResourcePools()));
        }
        return all;
    }

    private static Map<String, Map<String, String>> ehcaches(Path file) throws Exception {
        XmlConfiguration xml = new XmlConfiguration(file.toUri().toURL(), LOADER);
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        for (String name : CacheConfigFile.TEMPLATES) {
            CacheConfiguration<String, Object> cache = xml.newCacheConfigurationBuilderFromTemplate(name, String.class,
                    Object.class).build();
            all.put(name, resources(cache.getResourcePools()));
        }
        return all;
    }

    @Nested
    class MeansWhatItMeansToEhcache {

        @Test
        void theShippedFile() throws Exception {
            Path shipped = CONF.resolve("ehcache.xml");

            assertThat(ours(shipped)).isEqualTo(ehcaches(shipped));
            assertThat(ours(shipped).get(Caches.REPLAY)).containsExactly(Map.entry("heap", "100000 entries"));
            assertThat(CacheConfigFile.read(shipped, LOADER).clustered()).isFalse();
            assertThat(CacheConfigFile.read(shipped, LOADER).services()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "<heap>500</heap>",
                "<heap unit=\"entries\">500</heap>",
                "<resources><heap unit=\"entries\">100</heap><offheap unit=\"MB\">4</offheap></resources>",
                // off-heap without a unit is in bytes (ehcache-core.xsd's default), not megabytes
                "<resources><heap>100</heap><offheap>8388608</offheap></resources>",
                "<resources><offheap unit=\"kB\">4096</offheap></resources>",
                "<resources>\n  <heap unit=\"entries\"> 100 </heap>\n  <!-- a comment -->\n  <offheap unit=\"GB\">1</offheap>\n</resources>",
                "<key-type>java.lang.String</key-type><resources><heap>10</heap></resources>",
        })
        void sizesAndUnits(String body) throws Exception {
            Path file = file(body);

            assertThat(ours(file)).isEqualTo(ehcaches(file));
        }

        @Test
        void aDiskTierWithItsPersistenceDirectory() throws Exception {
            String persistence = "  <persistence directory=\"" + dir.resolve("disk") + "\"/>\n";
            Path file = file(persistence, "<resources><heap>100</heap><offheap unit=\"MB\">2</offheap>"
                    + "<disk unit=\"MB\" persistent=\"true\">16</disk></resources>");

            assertThat(ours(file)).isEqualTo(ehcaches(file));
            assertThat(ours(file).get(Caches.SESSIONS)).containsEntry("disk", "16 MB persistent");
            assertThat(CacheConfigFile.read(file, LOADER).services()).singleElement()
                    .isInstanceOfSatisfying(DefaultPersistenceConfiguration.class,
                            p -> assertThat(p.getRootDirectory()).isEqualTo(new File(dir.resolve("disk").toString())));
        }

        @Test
        void aSystemPropertyInASize() throws Exception {
            System.setProperty("portcullis.test.heap", "1234");
            try {
                Path file = file("<heap>${portcullis.test.heap}</heap>");

                assertThat(ours(file)).isEqualTo(ehcaches(file));
                assertThat(ours(file).get(Caches.SESSIONS)).containsExactly(Map.entry("heap", "1234 entries"));
            } finally {
                System.clearProperty("portcullis.test.heap");
            }
        }

        @Test
        void theCachesStartFromIt() throws Exception {
            Path file = file("  <persistence directory=\"" + dir.resolve("store") + "\"/>\n",
                    "<resources><heap>10</heap><offheap unit=\"MB\">2</offheap><disk unit=\"MB\">8</disk></resources>");

            try (Caches caches = Caches.start(file, Clock.systemUTC(), Duration.ofMinutes(30), LOADER)) {
                caches.replay().put("k", Instant.now().plusSeconds(60).toEpochMilli());
                assertThat(caches.replay().get("k")).isNotNull();
            }
        }
    }

    @Nested
    class RefusedByName {

        private void refused(Path file, String... expected) {
            assertThatThrownBy(() -> CacheConfigFile.read(file, LOADER).template(Caches.SESSIONS, Object.class))
                    .isInstanceOf(CacheSetupException.class)
                    .hasMessageStartingWith(file.toString())
                    .hasMessageContainingAll(expected);
        }

        private void accepted(Path file) {
            assertThat(CacheConfigFile.read(file, LOADER).template(Caches.SESSIONS, Object.class)).isNotNull();
        }

        @Test
        void aTemplateThatIsNotOneOfTheFour() throws Exception {
            refused(file("  <cache-template name=\"portcullis-session\"><heap>1</heap></cache-template>\n", "<heap>1</heap>"),
                    "<cache-template name=\"portcullis-session\">", "not one of Portcullis's four");
            accepted(file("<heap>1</heap>"));
        }

        @Test
        void aMissingTemplate() throws Exception {
            Path file = write("<config xmlns=\"http://www.ehcache.org/v3\"><cache-template name=\"portcullis-replay\">"
                    + "<heap>1</heap></cache-template></config>");
            refused(file, "has no <cache-template name=\"portcullis-sessions\">");
            assertThat(CacheConfigFile.read(file, LOADER).template(Caches.REPLAY, Object.class)).isNotNull();
        }

        @Test
        void aTemplateTwice() throws Exception {
            refused(file("  <cache-template name=\"portcullis-sessions\"><heap>1</heap></cache-template>\n", "<heap>1</heap>"),
                    "two <cache-template name=\"portcullis-sessions\">");
        }

        @Test
        void aCache() throws Exception {
            refused(file("  <cache alias=\"portcullis-sessions\"><heap>1</heap></cache>\n", "<heap>1</heap>"),
                    "has a <cache>", "creates its caches itself");
        }

        @ParameterizedTest
        @ValueSource(strings = {"<value-type>java.lang.Object</value-type>", "<expiry><ttl>5</ttl></expiry>",
                "<resilience>x.Y</resilience>", "<eviction-advisor>x.Y</eviction-advisor>"})
        void whatPortcullisSetsItself(String element) throws Exception {
            refused(file(element + "<heap>1</heap>"), "Portcullis sets", "remove it");
            accepted(file("<heap>1</heap>"));
        }

        @Test
        void aKeyTypeOtherThanString() throws Exception {
            refused(file("<key-type>java.lang.Long</key-type><heap>1</heap>"), "Portcullis's keys are java.lang.String");
            accepted(file("<key-type>java.lang.String</key-type><heap>1</heap>"));
        }

        @Test
        void aKeySerializerThatIsNoSerializer() throws Exception {
            refused(file("<key-type serializer=\"java.lang.Object\">java.lang.String</key-type><heap>1</heap>"),
                    "java.lang.Object as a key serializer, which is not an Ehcache Serializer");
            refused(file("<key-type serializer=\"no.such.Serializer\">java.lang.String</key-type><heap>1</heap>"),
                    "no.such.Serializer that is not on the valve's class loader");
            accepted(file("<key-type serializer=\"" + BreakableKeys.class.getName() + "\">java.lang.String</key-type>"
                    + "<heap>1</heap>"));
        }

        @Test
        void anElementPortcullisDoesNotRead() throws Exception {
            refused(file("  <thread-pools><thread-pool alias=\"p\" min-size=\"1\" max-size=\"2\"/></thread-pools>\n",
                    "<heap>1</heap>"), "<thread-pools>, which Portcullis does not read");
            refused(file("<resources><sharedHeap>x</sharedHeap></resources>"), "<sharedHeap>, which Portcullis does not read");
        }

        @Test
        void anUnknownAttribute() throws Exception {
            refused(file("<heap units=\"entries\">1</heap>"), "attribute units on <heap>", "(it reads unit)");
            refused(write("<config xmlns=\"http://www.ehcache.org/v3\" version=\"3\"/>"), "attribute version on <config>");
            // xsi:schemaLocation, as Ehcache's documentation writes it, is no setting
            accepted(write("<config xmlns=\"http://www.ehcache.org/v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                    + " xsi:schemaLocation=\"http://www.ehcache.org/v3 http://www.ehcache.org/schema/ehcache-core-3.0.xsd\">"
                    + "<cache-template name=\"portcullis-sessions\"><heap>1</heap></cache-template></config>"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-5", "many", "", "9223372036854775808", "${portcullis.test.unset}"})
        void aSizeThatIsNoPositiveWholeNumber(String size) throws Exception {
            refused(file("<heap>" + size + "</heap>"), "<heap>");
            accepted(file("<heap>5</heap>"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"<offheap unit=\"KB\">1</offheap>", "<offheap unit=\"entries\">1</offheap>",
                "<heap unit=\"items\">1</heap>"})
        void aUnitEhcacheDoesNotKnow(String resource) throws Exception {
            refused(file("<resources>" + resource + "</resources>"), "the unit is one of");
            accepted(file("<resources><offheap unit=\"kB\">1024</offheap></resources>"));
        }

        @Test
        void aDiskTierWithoutPersistence() throws Exception {
            refused(file("<resources><heap>1</heap><disk unit=\"MB\">1</disk></resources>"), "<disk> tier but no <persistence");
            accepted(file("  <persistence directory=\"" + dir + "\"/>\n", "<resources><heap>1</heap><disk unit=\"MB\">1</disk></resources>"));
        }

        @Test
        void tiersEhcacheCannotStack() throws Exception {
            // Ehcache's own rule, reported as ours: the off-heap tier must be larger than the heap.
            refused(file("<resources><heap unit=\"MB\">8</heap><offheap unit=\"MB\">2</offheap></resources>"),
                    "that Ehcache cannot use");
        }

        @Test
        void textBetweenElements() throws Exception {
            refused(file("<resources>50000<heap>1</heap></resources>"), "text \"50000\" in <resources>");
        }

        @Test
        void aTemplateWithoutResources() throws Exception {
            refused(file(""), "no <resources> in <cache-template name=\"portcullis-sessions\">");
        }

        @Test
        void aDoctype() throws Exception {
            Path file = write("<?xml version=\"1.0\"?>\n<!DOCTYPE config [<!ENTITY big \"1\">]>\n"
                    + "<config xmlns=\"http://www.ehcache.org/v3\"><cache-template name=\"portcullis-sessions\">"
                    + "<heap>&big;</heap></cache-template></config>");
            refused(file, "not well-formed XML without a DOCTYPE");
        }

        @Test
        void anotherRoot() throws Exception {
            refused(write("<config><cache-template name=\"portcullis-sessions\"><heap>1</heap></cache-template></config>"),
                    "its root element must be <config xmlns=\"http://www.ehcache.org/v3\">");
        }

        @Test
        void anotherNamespace() throws Exception {
            refused(file("  <service><jsr107:defaults xmlns:jsr107=\"http://www.ehcache.org/v3/jsr107\"/></service>\n",
                    "<heap>1</heap>"), "in namespace http://www.ehcache.org/v3/jsr107, which Portcullis does not read");
        }

        @Test
        void theClusteredTierWithoutTheAddOn() throws Exception {
            // The valve's tests run without Ehcache's clustered client, as a Tomcat would without the add-on JAR.
            refused(CONF.resolve("ehcache-cluster.xml"), "portcullis-cluster JAR in the same folder as the valve JAR");
        }
    }
}
