package dev.portcullis.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs a comparison library in a class loader of its own. OpenSAML 3.4.6 and java-saml 2.9.0 were built
 * for Santuario 2.x, while the test kit and the floor use Santuario 4.0.4 (the version the valve ships);
 * one class path cannot hold both. The loader gets this module's runtime class path (Maven writes it to
 * {@code target/classpath.txt}) minus Santuario 4 and the Portcullis JARs, plus Santuario 2.2.3 from
 * {@code target/baseline-lib}, and the platform class loader as parent. Adapters talk to the benchmark
 * only through JDK types ({@link Function}, {@link java.security.cert.X509Certificate}).
 */
public final class BaselineLoader {

    private static volatile URLClassLoader loader;

    private BaselineLoader() {
    }

    /** Instantiates an adapter class by name in the isolated loader with these constructor arguments. */
    @SuppressWarnings("unchecked")
    public static Function<String, Object> create(String className, Object... arguments) throws Exception {
        ClassLoader isolated = loader();
        Class<?> type = Class.forName(className, true, isolated);
        for (java.lang.reflect.Constructor<?> constructor : type.getConstructors()) {
            if (constructor.getParameterCount() == arguments.length) {
                Function<String, Object> adapter = inContext(isolated,
                        () -> (Function<String, Object>) constructor.newInstance(arguments));
                // The libraries find their parts through ServiceLoader and the context class loader.
                return message -> inContext(isolated, () -> adapter.apply(message));
            }
        }
        throw new IllegalArgumentException("no constructor with " + arguments.length + " arguments in " + className);
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T inContext(ClassLoader context, Call<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(context);
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static URLClassLoader loader() throws IOException, URISyntaxException {
        URLClassLoader current = loader;
        if (current == null) {
            synchronized (BaselineLoader.class) {
                current = loader;
                if (current == null) {
                    current = new URLClassLoader("portcullis-baselines", urls().toArray(URL[]::new),
                            ClassLoader.getPlatformClassLoader());
                    loader = current;
                }
            }
        }
        return current;
    }

    private static List<URL> urls() throws IOException, URISyntaxException {
        Path classes = Path.of(BaselineLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path target = classes.getParent();
        Path classpathFile = Path.of(System.getProperty("portcullis.bench.classpathFile",
                target.resolve("classpath.txt").toString()));
        Path baselineLib = Path.of(System.getProperty("portcullis.bench.baselineLib",
                target.resolve("baseline-lib").toString()));
        if (!Files.isReadable(classpathFile) || !Files.isDirectory(baselineLib)) {
            throw new IllegalStateException("the baselines need " + classpathFile + " and " + baselineLib
                    + " (written by `mvn -pl benchmarks package`)");
        }
        List<URL> urls = new ArrayList<>();
        urls.add(url(classes));
        for (String entry : Files.readString(classpathFile).trim().split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("xmlsec-") || name.startsWith("portcullis-") || name.startsWith("jmh-")
                    || name.startsWith("tomcat-")) {
                continue;
            }
            urls.add(url(Path.of(entry)));
        }
        try (Stream<Path> jars = Files.list(baselineLib)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                urls.add(url(jar));
            }
        }
        return urls;
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }
}
