package dev.portcullis.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.apache.tomcat.JarScanType;
import org.apache.tomcat.util.scan.StandardJarScanFilter;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JarScanExclusion} on Tomcat's own Host, Context and filter objects, not started: which JARs it
 * names, and that a Context's skip lists gain exactly those names before it starts. The real thing, a
 * stock Tomcat that no longer opens the valve JAR, is shown by the real-world suite
 * (StockTomcatDropInTests#tomcatDoesNotScanThePortcullisJars).
 */
class JarScanExclusionTest {

    /** Tomcat's own default list, shortened: what catalina.properties gives every filter. */
    private static final String STOCK_SKIP = "annotations-api.jar,tomcat-*.jar,*-javadoc.jar";

    @TempDir
    Path lib;

    private ClassLoader libLoader;

    @BeforeEach
    void twoPortcullisJarsOneOtherAndAFolder() throws IOException {
        Path renamed = jar("sso-valve-renamed.jar", true);
        Path cluster = jar("portcullis-cluster-1.0.jar", true);
        Path other = jar("jdbc-driver.jar", false);
        Path classes = Files.createDirectories(lib.resolve("classes/META-INF/portcullis")).getParent().getParent();
        Files.writeString(classes.resolve(JarScanExclusion.MARKER), "a folder, not a JAR");
        libLoader = new URLClassLoader(new URL[] {renamed.toUri().toURL(), other.toUri().toURL(),
                classes.toUri().toURL(), cluster.toUri().toURL()}, null);
    }

    @Test
    void theJarsAreThoseCarryingTheMarkerByTheirFileNamesInClassPathOrder() {
        assertThat(JarScanExclusion.jarNames(libLoader)).containsExactly("sso-valve-renamed.jar", "portcullis-cluster-1.0.jar");
    }

    @Test
    void withoutAnyJarNothingIsRegistered() {
        StandardHost host = host();

        JarScanExclusion.register(host, new URLClassLoader(new URL[0], null));

        assertThat(host.findContainerListeners()).isEmpty();
    }

    @Test
    void everyWebappOfTheHostSkipsThePortcullisJarsForTldsAndFragmentsAndKeepsItsOwnList() {
        StandardHost host = host();
        StandardContext before = context("/before");
        host.addChild(before);

        JarScanExclusion.register(host, libLoader);
        StandardContext after = context("/after");
        host.addChild(after);
        for (StandardContext context : new StandardContext[] {before, after}) {
            beforeStart(context);

            StandardJarScanFilter filter = filter(context);
            for (JarScanType type : new JarScanType[] {JarScanType.TLD, JarScanType.PLUGGABILITY}) {
                assertThat(filter.check(type, "sso-valve-renamed.jar")).as("%s %s", context.getName(), type).isFalse();
                assertThat(filter.check(type, "portcullis-cluster-1.0.jar")).as("%s %s", context.getName(), type).isFalse();
                assertThat(filter.check(type, "jdbc-driver.jar")).as("%s %s: another JAR", context.getName(), type).isTrue();
                assertThat(filter.check(type, "tomcat-coyote.jar")).as("%s %s: the stock list", context.getName(), type).isFalse();
            }
            assertThat(filter.getTldSkip()).isEqualTo(STOCK_SKIP + ",sso-valve-renamed.jar,portcullis-cluster-1.0.jar");
            assertThat(filter.getPluggabilitySkip()).isEqualTo(filter.getTldSkip());
        }
    }

    @Test
    void aContextsValveCoversThatContextOnly() {
        StandardHost host = host();
        StandardContext protectedOne = context("/protected");
        StandardContext sibling = context("/sibling");
        host.addChild(protectedOne);
        host.addChild(sibling);

        JarScanExclusion.register(protectedOne, libLoader);
        beforeStart(protectedOne);
        beforeStart(sibling);

        assertThat(filter(protectedOne).check(JarScanType.PLUGGABILITY, "sso-valve-renamed.jar")).isFalse();
        assertThat(filter(sibling).getPluggabilitySkip()).isEqualTo(STOCK_SKIP);
    }

    @Test
    void aRestartAddsNothingTwice() {
        StandardHost host = host();
        JarScanExclusion.register(host, libLoader);
        StandardContext context = context("/app");
        host.addChild(context);

        beforeStart(context);
        String once = filter(context).getTldSkip();
        beforeStart(context);

        assertThat(filter(context).getTldSkip()).isEqualTo(once);
    }

    @Test
    void anEmptyListGetsJustTheNames() {
        StandardHost host = host();
        JarScanExclusion.register(host, libLoader);
        StandardContext context = context("/app");
        filter(context).setTldSkip(null);
        filter(context).setPluggabilitySkip(" ");
        host.addChild(context);

        beforeStart(context);

        assertThat(filter(context).getTldSkip()).isEqualTo("sso-valve-renamed.jar,portcullis-cluster-1.0.jar");
        assertThat(filter(context).getPluggabilitySkip()).isEqualTo("sso-valve-renamed.jar,portcullis-cluster-1.0.jar");
    }

    @Test
    void aFilterOfAnotherClassIsLeftAlone() {
        StandardHost host = host();
        JarScanExclusion.register(host, libLoader);
        StandardContext context = context("/app");
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setJarScanFilter((type, name) -> true);
        context.setJarScanner(scanner);
        host.addChild(context);

        beforeStart(context);

        assertThat(scanner.getJarScanFilter().check(JarScanType.TLD, "sso-valve-renamed.jar")).isTrue();
    }

    private Path jar(String name, boolean portcullis) throws IOException {
        Path jar = lib.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(portcullis ? JarScanExclusion.MARKER : "META-INF/driver.properties"));
            out.write("x".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private static StandardHost host() {
        StandardHost host = new StandardHost();
        host.setName("localhost");
        return host;
    }

    /** A Context with the filter catalina.properties would have given it. */
    private static StandardContext context(String path) {
        StandardContext context = new StandardContext();
        context.setName(path);
        context.setPath(path);
        StandardJarScanner scanner = new StandardJarScanner();
        StandardJarScanFilter filter = new StandardJarScanFilter();
        filter.setTldSkip(STOCK_SKIP);
        filter.setPluggabilitySkip(STOCK_SKIP);
        scanner.setJarScanFilter(filter);
        context.setJarScanner(scanner);
        return context;
    }

    private static StandardJarScanFilter filter(Context context) {
        return (StandardJarScanFilter) context.getJarScanner().getJarScanFilter();
    }

    /** What LifecycleBase.start() tells the Context's listeners first. */
    private static void beforeStart(Context context) {
        for (LifecycleListener listener : context.findLifecycleListeners()) {
            listener.lifecycleEvent(new LifecycleEvent(context, Lifecycle.BEFORE_START_EVENT, null));
        }
    }
}
