package dev.portcullis.oidcclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Valve;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

import dev.portcullis.oidc.TestTokens;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * The add-on JAR as an operator installs it, next to the shaded valve JAR in $CATALINA_BASE/lib: one class loader
 * over the two JARs whose parent shows only Tomcat and the Servlet API, as Tomcat's common loader does. Shown:
 * <ul>
 *   <li>the add-on carries nothing the valve JAR carries, relocates everything but its own two packages, names
 *       no Servlet API type (so the Tomcat 9 valve JAR can use it too) and carries the skip-jar-scan marker;</li>
 *   <li>with both JARs, a valve with protocol="oidc" starts on a real embedded Tomcat and signs a user in against
 *       the in-test provider;</li>
 *   <li>with the valve JAR alone it refuses to start with one sentence naming the setting and the JAR.</li>
 * </ul>
 */
class OidcJarIT {

    private static Path jar(String property) {
        String value = System.getProperty(property);
        assertThat(value).as("system property %s (set by failsafe)", property).isNotBlank();
        Path path = Path.of(value);
        assertThat(path).as(property).isRegularFile();
        return path;
    }

    private static Set<String> entries(Path jar) throws IOException {
        Set<String> names = new TreeSet<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            file.stream().filter(e -> !e.isDirectory()).map(JarEntry::getName).forEach(names::add);
        }
        return names;
    }

    /** Tomcat's common loader: the JARs of lib/ over a parent that has Tomcat, the Servlet API and the JDK only. */
    private static URLClassLoader lib(Path... jars) throws IOException {
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            urls[i] = jars[i].toUri().toURL();
        }
        return new URLClassLoader("lib", urls, new TomcatOnly(OidcJarIT.class.getClassLoader()));
    }

    @Test
    void theAddOnCarriesNothingTheValveJarCarriesAndRelocatesWhatItCarries() throws IOException {
        Set<String> addOn = entries(jar("portcullis.oidcJar"));
        Set<String> both = new TreeSet<>(addOn);
        both.retainAll(entries(jar("portcullis.valveJar")));
        both.removeIf(name -> name.equals("META-INF/MANIFEST.MF") || name.startsWith("META-INF/LICENSE")
                || name.startsWith("META-INF/NOTICE") || name.equals("META-INF/portcullis/skip-jar-scan"));
        assertThat(both).as("entries in both JARs").isEmpty();

        List<String> unrelocated = addOn.stream().filter(n -> n.endsWith(".class"))
                .filter(n -> !n.startsWith("dev/portcullis/shaded/") && !n.startsWith("dev/portcullis/oidc/")
                        && !n.startsWith("dev/portcullis/oidcclient/")).toList();
        assertThat(unrelocated).isEmpty();
        assertThat(addOn).as("pac4j-oidc's own classes, Guava, Spring, Jackson stay out")
                .noneMatch(n -> n.startsWith("dev/portcullis/shaded/pac4j/") || n.contains("/google/")
                        || n.contains("springframework") || n.contains("jackson"))
                .contains("META-INF/portcullis/skip-jar-scan", "META-INF/services/dev.portcullis.engine.Protocol",
                        "dev/portcullis/shaded/nimbusds/jose/JWSAlgorithm.class");
    }

    @Test
    void theAddOnNamesNoServletApiSoTheTomcat9ValveCanUseIt() throws IOException {
        List<String> naming = new ArrayList<>();
        try (JarFile file = new JarFile(jar("portcullis.oidcJar").toFile())) {
            for (JarEntry entry : file.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                try (InputStream in = file.getInputStream(entry)) {
                    String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                    if (bytes.contains("jakarta/servlet") || bytes.contains("javax/servlet")) {
                        naming.add(entry.getName());
                    }
                }
            }
        }
        assertThat(naming).isEmpty();
    }

    @Test
    void withBothJarsAValveSignsAUserInOverOidc() throws Exception {
        try (TestProvider provider = new TestProvider();
             URLClassLoader lib = lib(jar("portcullis.valveJar"), jar("portcullis.oidcJar"))) {
            Tomcat tomcat = tomcat();
            String base = "http://127.0.0.1:" + tomcat.getConnector().getPort();
            Valve valve = valve(lib, base, provider);
            tomcat.getHost().getPipeline().addValve(valve);
            try {
                tomcat.start();
                assertThat(((org.apache.catalina.Lifecycle) valve).getState()).isEqualTo(LifecycleState.STARTED);
                Browser browser = new Browser();
                Page start = browser.get(base + "/app/");
                assertThat(start.location()).startsWith(provider.issuer + "/authorize?");
                Page callback = browser.get(browser.get(start.location()).location());
                assertThat(callback.status()).isEqualTo(303);
                assertThat(browser.get(callback.location()).body()).contains("user=alice");
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }

    @Test
    void withoutTheAddOnTheValveRefusesToStartNamingTheJar() throws Exception {
        try (TestProvider provider = new TestProvider(); URLClassLoader lib = lib(jar("portcullis.valveJar"))) {
            Tomcat tomcat = tomcat();
            Valve valve = valve(lib, "http://127.0.0.1:" + tomcat.getConnector().getPort(), provider);
            tomcat.getHost().getPipeline().addValve(valve);
            try {
                tomcat.start();
            } catch (LifecycleException e) {
                // Depending on the Tomcat version the failure surfaces here or only in the container's state.
            }
            try {
                assertThat(((org.apache.catalina.Lifecycle) valve).getState()).isNotEqualTo(LifecycleState.STARTED);
                Method failure = valve.getClass().getDeclaredMethod("startFailure");
                failure.setAccessible(true);
                assertThat((String) failure.invoke(valve)).isEqualTo("Portcullis setting 'protocol': is \"oidc\" but"
                        + " portcullis-oidc-VERSION.jar is not next to the valve JAR; copy it into the same folder"
                        + " ($CATALINA_BASE/lib), or set protocol=\"saml\".");
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }

    private static Tomcat tomcat() throws IOException {
        Path dir = Files.createTempDirectory("portcullis-oidc-jar");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getHost().setAutoDeploy(false);
        File docBase = Files.createDirectories(dir.resolve("app")).toFile();
        org.apache.catalina.Context context = tomcat.addContext("/app", docBase.getAbsolutePath());
        Tomcat.addServlet(context, "identity", new OidcFlowTest.IdentityServlet());
        context.addServletMappingDecoded("/", "identity");
        return tomcat;
    }

    private static Valve valve(ClassLoader lib, String base, TestProvider provider) throws Exception {
        Valve valve = (Valve) lib.loadClass("dev.portcullis.SsoValve").getConstructor().newInstance();
        Method set = valve.getClass().getMethod("setProperty", String.class, String.class);
        set.invoke(valve, "protocol", "oidc");
        set.invoke(valve, "externalBaseUrl", base);
        set.invoke(valve, "oidcIssuer", provider.issuer);
        set.invoke(valve, "oidcClientId", TestTokens.CLIENT);
        set.invoke(valve, "oidcClientSecret", TestProvider.SECRET);
        set.invoke(valve, "principalAttribute", "preferred_username");
        return valve;
    }

    /** The parent of the lib loader: Tomcat's classes and the Servlet API from the test's class path, then the JDK. */
    private static final class TomcatOnly extends ClassLoader {
        private final ClassLoader tomcat;

        TomcatOnly(ClassLoader tomcat) {
            super("tomcat-only", ClassLoader.getPlatformClassLoader());
            this.tomcat = tomcat;
        }

        private static boolean isTomcat(String name) {
            return name.startsWith("org.apache.catalina.") || name.startsWith("org.apache.tomcat.")
                    || name.startsWith("org.apache.coyote.") || name.startsWith("org.apache.juli.")
                    || name.startsWith("org.apache.naming.") || name.startsWith("jakarta.servlet.")
                    || name.startsWith("jakarta.annotation.") || name.startsWith("jakarta.security.");
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            return isTomcat(name) ? tomcat.loadClass(name) : super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            return getParent().getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return getParent().getResources(name);
        }
    }
}
