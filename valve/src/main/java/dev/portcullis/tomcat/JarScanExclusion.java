package dev.portcullis.tomcat;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleState;
import org.apache.tomcat.JarScanner;
import org.apache.tomcat.util.scan.StandardJarScanFilter;

/**
 * Keeps Tomcat from scanning Portcullis's own JARs when a webapp starts. Every webapp's start makes
 * Tomcat open each JAR of {@code lib/} that its {@code jarsToSkip} list does not name: for TLDs
 * (Jasper) and for web fragments and the classes a {@code ServletContainerInitializer} asks for
 * (pluggability). Portcullis's JARs hold none of these, and the valve JAR is several MB of classes,
 * so on a stock Tomcat that scan was about half of what the valve added to a start
 * (docs/PERFORMANCE.md). Operators should not have to edit {@code catalina.properties} for it.
 *
 * <p>How: Tomcat creates the valve and gives it its container while it reads {@code server.xml} (a
 * Host's valve) or the webapp's {@code context.xml} (a Context's valve), which is before any webapp
 * under that container starts. At that moment this adds itself as a listener: to the Host, for every
 * Context it has or will get, or to the one Context. When a Context is about to start (its
 * {@code context.xml} read, so its {@code JarScanner} final), the names of Portcullis's JARs are
 * appended to that Context's {@link StandardJarScanFilter} skip lists for both scan types; what was
 * there stays, so every other JAR is scanned or skipped exactly as before. A Context with a
 * {@code JarScanner} or {@code JarScanFilter} of another class is left alone.
 *
 * <p>Not done: appending to the {@code tomcat.util.scan.StandardJarScanFilter.jarsToSkip} system
 * property. {@code StandardJarScanFilter} reads it once per JVM, in its static initialiser (Tomcat 9,
 * 10.1 and 11 alike), so whether the change counts depends on whether any webapp started before the
 * valve was created; a Context's valve usually comes too late.
 *
 * <p>Which JARs: those on the valve's class loader that carry {@link #MARKER} (the valve JAR, the
 * cluster add-on, any edition derived from them), by their file names as they are in {@code lib/},
 * whatever the operator named them. Classes from a folder (tests, an IDE) have no JAR to skip.
 */
public final class JarScanExclusion extends ContextWatch {

    /** Every Portcullis JAR carries this entry; its text says why. */
    public static final String MARKER = "META-INF/portcullis/skip-jar-scan";

    private final List<String> jarNames;

    private JarScanExclusion(List<String> jarNames) {
        this.jarNames = jarNames;
    }

    /**
     * Takes Portcullis's JARs off the scans of every webapp in {@code container} (a Host or a Context)
     * that has not started yet. Called by the valve when Tomcat sets its container; anything else, or
     * no JAR found, does nothing.
     */
    public static void register(Container container) {
        register(container, JarScanExclusion.class.getClassLoader());
    }

    static void register(Container container, ClassLoader classLoader) {
        if (!(container instanceof Context || container instanceof Host)) {
            return;
        }
        List<String> names = jarNames(classLoader);
        if (names.isEmpty()) {
            return;
        }
        new JarScanExclusion(names).followContexts(container);
    }

    /** The file names of the JARs on {@code classLoader} that carry {@link #MARKER}, in class path order. */
    static List<String> jarNames(ClassLoader classLoader) {
        Set<String> names = new LinkedHashSet<>();
        try {
            for (URL url : Collections.list(classLoader.getResources(MARKER))) {
                String name = jarName(url);
                if (name != null) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            // Only a saving at start-up: without the names Tomcat scans the JARs as it always did.
            return List.of();
        }
        return List.copyOf(names);
    }

    /**
     * The file name of the JAR a {@code jar:file:/...!/entry} URL points into, or null for anything
     * else, and for a name the filter would misread: its lists are comma-separated and take {@code *}
     * and {@code ?} as wildcards, which could skip other JARs.
     */
    private static String jarName(URL url) {
        String text = url.toString();
        int separator = text.indexOf("!/");
        if (!"jar".equals(url.getProtocol()) || separator < 0) {
            return null;
        }
        try {
            URI jar = new URI(text.substring("jar:".length(), separator));
            if (!"file".equals(jar.getScheme())) {
                return null;
            }
            Path fileName = Path.of(jar).getFileName();
            String name = fileName == null ? null : fileName.toString();
            return name == null || name.isEmpty() || name.contains(",") || name.contains("*") || name.contains("?")
                    ? null : name;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    void followed(Context context) {
        if (context.getState().isAvailable() || context.getState() == LifecycleState.STARTING_PREP) {
            // Already starting or started: its scans are done; this counts from its next start (a reload).
            exclude(context);
        }
    }

    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        // Before start: context.xml (which may name its own JarScanner) has been read at init; the scans run in
        // startInternal (web fragments at CONFIGURE_START, TLDs in Jasper's initializer after it).
        if (Lifecycle.BEFORE_START_EVENT.equals(event.getType()) && event.getLifecycle() instanceof Context context) {
            exclude(context);
        }
    }

    /** Appends the names to the Context's filter, for TLD and pluggability scans, once. */
    void exclude(Context context) {
        JarScanner scanner = context.getJarScanner();
        if (scanner != null && scanner.getJarScanFilter() instanceof StandardJarScanFilter filter) {
            String tldSkip = appended(filter.getTldSkip());
            if (tldSkip != null) {
                filter.setTldSkip(tldSkip);
            }
            String pluggabilitySkip = appended(filter.getPluggabilitySkip());
            if (pluggabilitySkip != null) {
                filter.setPluggabilitySkip(pluggabilitySkip);
            }
        }
    }

    /** {@code skip} with the names it lacks added at the end, or null when it has them all. */
    String appended(String skip) {
        List<String> present = new ArrayList<>();
        if (skip != null) {
            for (String token : skip.split(",")) {
                present.add(token.strip());
            }
        }
        StringBuilder result = new StringBuilder(skip == null ? "" : skip.strip());
        boolean changed = false;
        for (String name : jarNames) {
            if (!present.contains(name)) {
                if (!result.isEmpty() && result.charAt(result.length() - 1) != ',') {
                    result.append(',');
                }
                result.append(name);
                changed = true;
            }
        }
        return changed ? result.toString() : null;
    }
}
