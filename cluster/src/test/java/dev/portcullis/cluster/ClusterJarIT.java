package dev.portcullis.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

/**
 * The two JARs as an operator installs them, both in $CATALINA_BASE/lib, which Tomcat's common class
 * loader reads: here one URLClassLoader over the shaded valve JAR and this module's shaded JAR, with
 * nothing else on it (the JDK below). Shown without a server:
 * <ul>
 *   <li>the add-on carries nothing the valve JAR carries, and every class it carries is relocated,
 *       except the few names the Terracotta server knows them by;</li>
 *   <li>the valve's Ehcache finds, through its ServiceLoader (which reads the class loader of Ehcache's
 *       own classes), the clustering service factories and the {@code tc:} XML parsers of the add-on,
 *       under their relocated service names;</li>
 *   <li>the shipped conf/ehcache-cluster.xml then reads, through the valve's CacheConfigFile and the add-on's
 *       {@code tc:} parsers, as a clustered configuration (the URI, the four templates on clustered-dedicated
 *       storage, STRONG consistency), checked against Ehcache's schemas, and without the add-on the valve
 *       refuses it with a sentence that names the missing JAR.</li>
 * </ul>
 */
class ClusterJarIT {

    private static final String SHADED = "dev.portcullis.shaded.";
    private static final String EHCACHE = SHADED + "ehcache.";

    private static Path jar(String property) {
        String value = System.getProperty(property);
        assertThat(value).as("system property %s (set by failsafe)", property).isNotBlank();
        Path path = Path.of(value);
        assertThat(path).as(property).isRegularFile();
        return path;
    }

    private static Path valveJar() {
        return jar("portcullis.valveJar");
    }

    private static Path clusterJar() {
        return jar("portcullis.clusterJar");
    }

    private static Path shippedConfiguration() {
        return Path.of(System.getProperty("portcullis.root"), "conf", "ehcache-cluster.xml");
    }

    private static Set<String> entries(Path jar) throws IOException {
        Set<String> names = new TreeSet<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            file.stream().filter(e -> !e.isDirectory()).map(JarEntry::getName).forEach(names::add);
        }
        return names;
    }

    private static String text(Path jar, String entry) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            JarEntry found = file.getJarEntry(entry);
            assertThat(found).as("%s in %s", entry, jar.getFileName()).isNotNull();
            return new String(file.getInputStream(found).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Tomcat's lib/ folder: one loader, the JDK as its parent. */
    private static URLClassLoader lib(Path... jars) throws IOException {
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            urls[i] = jars[i].toUri().toURL();
        }
        return new URLClassLoader("lib", urls, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void theAddOnCarriesNothingTheValveJarCarries() throws IOException {
        Set<String> both = new TreeSet<>(entries(clusterJar()));
        both.retainAll(entries(valveJar()));

        // Files every JAR has, and ServiceLoader files, which the JDK reads from every JAR on the loader; so does
        // the valve's JarScanExclusion read its marker from every Portcullis JAR.
        both.removeIf(name -> name.equals("META-INF/MANIFEST.MF") || name.startsWith("META-INF/LICENSE")
                || name.startsWith("META-INF/NOTICE") || name.startsWith("META-INF/services/")
                || name.equals("META-INF/portcullis/skip-jar-scan"));
        assertThat(both).as("entries in both JARs").isEmpty();
    }

    @Test
    void everyClassIsRelocatedExceptWhatTheServerKnowsByName() throws IOException {
        List<String> unrelocated = new ArrayList<>();
        for (String name : entries(clusterJar())) {
            if (name.endsWith(".class") && !name.startsWith("dev/portcullis/shaded/")) {
                unrelocated.add(name);
            }
        }

        // Terracotta's own client runtime (com.tc, com.terracotta) is not among the valve's relocation patterns: no
        // webapp library shares those packages with Portcullis's, and nothing in the valve JAR refers to them.
        assertThat(unrelocated).allMatch(name -> name.startsWith("com/tc/") || name.startsWith("com/terracotta/")
                || name.startsWith("org/ehcache/clustered/common/internal/exceptions/")
                || name.equals("org/ehcache/clustered/client/internal/ClusterTierManagerClientEntity.class")
                || name.equals("org/ehcache/clustered/client/internal/store/InternalClusterTierClientEntity.class")
                || name.matches("org/ehcache/clustered/client/internal/lock/VoltronReadWriteLockClient(\\$.*)?\\.class")
                || name.equals("org/terracotta/lease/LeaseAcquirer.class")
                || name.matches("org/terracotta/dynamic_config/entity/topology/client/DynamicTopologyEntity(\\$.*)?\\.class"));
        for (String name : unrelocated) {
            String outer = name.replaceFirst("\\$.*", ".class");
            assertThat(unrelocated).as("%s keeps its package with its outer class", name).contains(outer);
        }
        assertThat(unrelocated).as("the entity types the server looks up by name")
                .contains("org/ehcache/clustered/client/internal/ClusterTierManagerClientEntity.class",
                        "org/terracotta/lease/LeaseAcquirer.class");
        assertThat(entries(clusterJar())).as("no Ehcache core, SLF4J or Log4j of its own")
                .noneMatch(name -> name.startsWith("dev/portcullis/shaded/ehcache/core/")
                        || name.startsWith("dev/portcullis/shaded/ehcache/shadow/")
                        || name.startsWith("dev/portcullis/shaded/slf4j/")
                        || name.startsWith("dev/portcullis/shaded/logging/")
                        || name.startsWith("org/slf4j/") || name.startsWith("org/ehcache/core/"));
    }

    @Test
    void theServiceEntriesAreRelocatedAndNameRelocatedClasses() throws IOException {
        Set<String> services = new TreeSet<>();
        for (String name : entries(clusterJar())) {
            if (name.startsWith("META-INF/services/")) {
                services.add(name.substring("META-INF/services/".length()));
            }
        }

        assertThat(services).as("no service name a webapp's own Ehcache or Terracotta client would read")
                .noneMatch(name -> name.startsWith("org.ehcache.") || name.startsWith("org.terracotta."));
        assertThat(services).contains(EHCACHE + "core.spi.service.ServiceFactory",
                EHCACHE + "xml.CacheManagerServiceConfigurationParser", EHCACHE + "xml.CacheResourceConfigurationParser",
                EHCACHE + "xml.CacheServiceConfigurationParser");
        assertThat(text(clusterJar(), "META-INF/services/" + EHCACHE + "core.spi.service.ServiceFactory"))
                .contains(EHCACHE + "clustered.client.internal.service.ClusteringServiceFactory")
                .doesNotContain("org.ehcache.");
    }

    @Test
    void everyServiceEntryNamesAClassOfTheTwoJars() throws IOException {
        Set<String> classes = new TreeSet<>();
        for (Path jar : List.of(valveJar(), clusterJar())) {
            for (String name : entries(jar)) {
                if (name.endsWith(".class")) {
                    classes.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (String name : entries(clusterJar())) {
            if (!name.startsWith("META-INF/services/")) {
                continue;
            }
            String service = name.substring("META-INF/services/".length());
            assertThat(classes).as("the service type of %s", name).contains(service);
            for (String line : text(clusterJar(), name).split("\n")) {
                String provider = line.replaceFirst("#.*", "").strip();
                if (!provider.isEmpty() && !classes.contains(provider)) {
                    missing.add(service + ": " + provider);
                }
            }
        }
        assertThat(missing).as("providers that are no class of either JAR").isEmpty();
    }

    @Test
    void theValvesEhcacheFindsTheClusteredServicesWhenBothJarsShareAClassLoader() throws Exception {
        try (URLClassLoader lib = lib(valveJar(), clusterJar())) {
            assertThat(providers(lib, EHCACHE + "core.spi.service.ServiceFactory")).contains(
                    EHCACHE + "clustered.client.internal.service.ClusteringServiceFactory",
                    EHCACHE + "clustered.client.internal.store.ClusteredStoreProviderFactory",
                    // and the valve's own factories are still there
                    EHCACHE + "impl.internal.store.heap.OnHeapStoreProviderFactory");
            assertThat(providers(lib, EHCACHE + "xml.CacheManagerServiceConfigurationParser"))
                    .contains(EHCACHE + "clustered.client.internal.config.xml.ClusteringCacheManagerServiceConfigurationParser");
            assertThat(providers(lib, EHCACHE + "xml.CacheResourceConfigurationParser"))
                    .contains(EHCACHE + "clustered.client.internal.config.xml.ClusteredResourceConfigurationParser");
            assertThat(providers(lib, EHCACHE + "xml.CacheServiceConfigurationParser"))
                    .contains(EHCACHE + "clustered.client.internal.config.xml.ClusteringCacheServiceConfigurationParser");
        }
        try (URLClassLoader valveOnly = lib(valveJar())) {
            assertThat(providers(valveOnly, EHCACHE + "core.spi.service.ServiceFactory"))
                    .noneMatch(name -> name.contains(".clustered."));
        }
    }

    @Test
    void theShippedClusterConfigurationReadsAsClusteredWithBothJars() throws Throwable {
        try (URLClassLoader lib = lib(valveJar(), clusterJar())) {
            Object xml = configFile(lib, shippedConfiguration());

            assertThat(xml.getClass().getMethod("clustered").invoke(xml)).isEqualTo(true);
            Object cluster = clusterService(xml);
            assertThat(cluster.getClass().getMethod("getClusterUri").invoke(cluster))
                    .hasToString("terracotta://127.0.0.1:9410/portcullis");

            Class<?> cacheConfiguration = lib.loadClass(EHCACHE + "config.CacheConfiguration");
            Class<?> resourcePools = lib.loadClass(EHCACHE + "config.ResourcePools");
            for (String template : List.of("portcullis-sessions", "portcullis-pending-logins", "portcullis-replay",
                    "portcullis-session-index")) {
                Object builder = xml.getClass().getMethod("template", String.class, Class.class).invoke(xml, template,
                        Object.class);
                assertThat(builder).as("template %s", template).isNotNull();
                Object cache = builder.getClass().getMethod("build").invoke(builder);
                Object pools = cacheConfiguration.getMethod("getResourcePools").invoke(cache);
                // Only the sessions keep a near cache in each node's heap (the others are written more than read).
                String storage = String.valueOf(resourcePools.getMethod("getResourceTypeSet").invoke(pools));
                assertThat(storage).as("%s storage", template).contains("clustered-dedicated");
                if (template.equals("portcullis-sessions")) {
                    assertThat(storage).as("%s storage", template).contains("heap");
                } else {
                    assertThat(storage).as("%s storage", template).doesNotContain("heap");
                }
                Collection<?> cacheServices = (Collection<?>) cacheConfiguration.getMethod("getServiceConfigurations").invoke(cache);
                Object store = cacheServices.stream()
                        .filter(s -> s.getClass().getName().endsWith(".ClusteredStoreConfiguration")).findFirst()
                        .orElseThrow(() -> new AssertionError(template + ": no tc:clustered-store in " + cacheServices));
                assertThat(store.getClass().getMethod("getConsistency").invoke(store)).as("%s consistency", template)
                        .hasToString("STRONG");
            }
        }
    }

    /**
     * A node started before its Terracotta server: the caches start at once (nothing listens, so nothing is
     * waited for), say they do not answer, and every operation fails as a {@code StateUnavailableException},
     * which the engine answers with 503, until the server is there (ClusterIT/StockTomcatClusterIT show it
     * coming).
     */
    @Test
    void withBothJarsAndNoServerTheCachesStartAtOnceAndEveryOperationFailsAsUnavailable(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Throwable {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path config = dir.resolve("portcullis-ehcache.xml");
        java.nio.file.Files.writeString(config, java.nio.file.Files.readString(shippedConfiguration())
                .replace("127.0.0.1:9410", "127.0.0.1:" + port));
        try (URLClassLoader lib = lib(valveJar(), clusterJar())) {
            Class<?> caches = lib.loadClass("dev.portcullis.session.Caches");
            Method start = caches.getMethod("start", Path.class, Clock.class, Duration.class, ClassLoader.class);
            long began = System.nanoTime();

            Object started = invoke(start, config, Clock.systemUTC(), Duration.ofMinutes(30), lib);
            try {
                assertThat(Duration.ofNanos(System.nanoTime() - began)).as("start without a server")
                        .isLessThan(Duration.ofSeconds(3));
                assertThat(caches.getMethod("answering").invoke(started)).isEqualTo(false);
                Object sessions = caches.getMethod("sessions").invoke(started);
                Method get = lib.loadClass(EHCACHE + "Cache").getMethod("get", Object.class);
                assertThatThrownBy(() -> invokeOn(get, sessions, "key"))
                        .satisfies(e -> assertThat(e.getClass().getName()).isEqualTo("dev.portcullis.session.StateUnavailableException"))
                        .hasMessageContaining("not connected to the state store at terracotta://127.0.0.1:" + port + "/portcullis");
            } finally {
                ((AutoCloseable) started).close();
            }
        }
    }

    @Test
    void withoutTheAddOnTheValveRefusesTheClusteredConfigurationNamingTheMissingJar() throws Exception {
        try (URLClassLoader valveOnly = lib(valveJar())) {
            Class<?> caches = valveOnly.loadClass("dev.portcullis.session.Caches");
            Method start = caches.getMethod("start", Path.class, Clock.class, Duration.class, ClassLoader.class);

            // The caches name the file; the engine puts the setting's name (ehcacheConfig) in front when it
            // turns this into the valve's start failure (EngineAssembly.caches).
            assertThatThrownBy(() -> invoke(start, shippedConfiguration(), Clock.systemUTC(), Duration.ofMinutes(30), valveOnly))
                    .satisfies(e -> assertThat(e.getClass().getName()).isEqualTo("dev.portcullis.session.CacheSetupException"))
                    .hasMessageContaining("ehcache-cluster.xml is not a usable Ehcache 3 configuration")
                    .hasMessageContaining("portcullis-cluster JAR in the same folder as the valve JAR");
        }
    }

    private static Object invoke(Method method, Object... args) throws Throwable {
        return invokeOn(method, null, args);
    }

    private static Object invokeOn(Method method, Object target, Object... args) throws Throwable {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(method.getDeclaringClass().getClassLoader());
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The clustered tier's defaults come from its schema (the valve validates a file with tc: elements against
     * Ehcache's schemas before its clustered parsers read it): a timeout without a unit is in seconds; a unit the
     * schema does not know is refused, naming the line, where the shipped file is read.
     */
    @Test
    void theClusteredElementsAreCheckedAgainstEhcachesSchemas(@org.junit.jupiter.api.io.TempDir Path dir) throws Throwable {
        String shipped = Files.readString(shippedConfiguration());
        String withoutUnit = shipped.replace("<tc:read-timeout unit=\"seconds\">5</tc:read-timeout>",
                "<tc:read-timeout>7</tc:read-timeout>");
        assertThat(withoutUnit).isNotEqualTo(shipped);
        String unknownUnit = shipped.replace("<tc:read-timeout unit=\"seconds\">5</tc:read-timeout>",
                "<tc:read-timeout unit=\"fortnights\">5</tc:read-timeout>");
        try (URLClassLoader lib = lib(valveJar(), clusterJar())) {
            Object cluster = clusterService(configFile(lib, Files.writeString(dir.resolve("no-unit.xml"), withoutUnit)));
            Object timeouts = cluster.getClass().getMethod("getTimeouts").invoke(cluster);
            assertThat(timeouts.getClass().getMethod("getReadOperationTimeout").invoke(timeouts)).isEqualTo(Duration.ofSeconds(7));

            Path refused = Files.writeString(dir.resolve("unknown-unit.xml"), unknownUnit);
            assertThatThrownBy(() -> configFile(lib, refused))
                    .satisfies(e -> assertThat(e.getClass().getName()).isEqualTo("dev.portcullis.session.CacheSetupException"))
                    .hasMessageContaining("unknown-unit.xml, line ")
                    .hasMessageContaining("does not follow Ehcache's schema")
                    .hasMessageContaining("fortnights");

            // Clustered storage without the server it lives on: refused, not a node that waits for nobody.
            String withoutService = shipped.replaceAll("(?s)<service>.*</service>", "");
            assertThat(withoutService).isNotEqualTo(shipped);
            Path noServer = Files.writeString(dir.resolve("no-service.xml"), withoutService);
            assertThatThrownBy(() -> configFile(lib, noServer))
                    .hasMessageContaining("puts caches on Ehcache's clustered tier but has no <service> with <tc:cluster>");
        }
    }

    /** Reads an ehcache.xml as the valve does (CacheConfigFile), the thread's context loader being lib/ as in Tomcat. */
    private static Object configFile(ClassLoader lib, Path file) throws Throwable {
        Method read = lib.loadClass("dev.portcullis.session.CacheConfigFile").getMethod("read", Path.class, ClassLoader.class);
        return invoke(read, file, lib);
    }

    private static Object clusterService(Object configFile) throws Exception {
        Collection<?> services = (Collection<?>) configFile.getClass().getMethod("services").invoke(configFile);
        return services.stream()
                .filter(s -> s.getClass().getName().equals(EHCACHE + "clustered.client.config.ClusteringServiceConfiguration"))
                .findFirst().orElseThrow(() -> new AssertionError("no tc:cluster service in " + services));
    }

    /** The provider classes ServiceLoader finds for a service type of the valve's (relocated) Ehcache. */
    private static List<String> providers(ClassLoader lib, String serviceType) throws ClassNotFoundException {
        Class<?> service = lib.loadClass(serviceType);
        List<String> names = new ArrayList<>();
        ServiceLoader.load(service, lib).stream().forEach(provider -> names.add(provider.type().getName()));
        return names;
    }

    /** The valve skips the add-on in Tomcat's JAR scans as it skips itself: the add-on carries the marker too. */
    @Test
    void theAddOnCarriesTheScanMarkerAndNothingTomcatsScansLookFor() throws IOException {
        Set<String> names = entries(clusterJar());

        assertThat(names).contains("META-INF/portcullis/skip-jar-scan");
        assertThat(names).noneMatch(e -> e.startsWith("META-INF/") && e.endsWith(".tld"))
                .doesNotContain("META-INF/web-fragment.xml", "META-INF/services/jakarta.servlet.ServletContainerInitializer");
    }
}
