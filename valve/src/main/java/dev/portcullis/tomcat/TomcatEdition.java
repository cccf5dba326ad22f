package dev.portcullis.tomcat;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Which Tomcat this JAR is built for, checked when the valve is created, before Tomcat looks at its
 * methods. There are two JARs (README, "Install"): {@code portcullis-valve-VERSION.jar} for Tomcat 10.1
 * and 11 (the Servlet API in {@code jakarta.servlet}) and {@code portcullis-valve-tomcat9-VERSION.jar}
 * for Tomcat 9 ({@code javax.servlet}), made from this one at build time (module valve-tomcat9). In the
 * wrong Tomcat the valve cannot work: Tomcat would stop on a {@code NoClassDefFoundError} naming a Servlet
 * class. This says instead, in one sentence, which JAR belongs to which Tomcat, and stops the same way
 * (Tomcat does not start, so no webapp is served unprotected).
 */
public final class TomcatEdition {

    /**
     * The Servlet API this JAR is built for. The Tomcat 9 JAR's build renames string constants that start
     * with {@code jakarta.servlet} (docs/ARCHITECTURE.md, "Tomcat 9"), so there this reads {@code javax.servlet.Servlet}.
     */
    static final String BUILT_FOR = "jakarta.servlet.Servlet";
    /** The two Servlet APIs, as computed values, which that renaming leaves as they are. */
    static final String JAKARTA = "jakarta".concat(".servlet.Servlet");
    static final String JAVAX = "javax".concat(".servlet.Servlet");
    /** The packages' names for the sentence, computed for the same reason. */
    private static final String JAKARTA_API = "jakarta".concat(".servlet");
    private static final String JAVAX_API = "javax".concat(".servlet");

    private TomcatEdition() {
    }

    /**
     * Stops with one sentence when this Tomcat (the class loader that loaded the valve) lacks the Servlet API
     * this JAR is built for.
     *
     * @throws IllegalStateException saying which JAR this Tomcat needs
     */
    public static void check(ClassLoader loader) {
        String version = TomcatEdition.class.getPackage().getImplementationVersion();
        Optional<String> mismatch = mismatch(BUILT_FOR, name -> available(name, loader), version == null ? "VERSION" : version);
        if (mismatch.isPresent()) {
            // Tomcat's own logging (java.util.logging, into catalina.out): Portcullis's Log4j is not set up yet.
            Logger.getLogger("dev.portcullis.SsoValve").severe(mismatch.get());
            throw new IllegalStateException(mismatch.get());
        }
    }

    /** The sentence for a JAR built for {@code builtFor} where only the classes {@code available} accepts exist. */
    static Optional<String> mismatch(String builtFor, Predicate<String> available, String version) {
        if (available.test(builtFor)) {
            return Optional.empty();
        }
        boolean forTomcat9 = builtFor.equals(JAVAX);
        String thisJar = forTomcat9 ? "the Tomcat 9 JAR (portcullis-valve-tomcat9-" + version + ".jar, " + JAVAX_API + ")"
                : "the JAR for Tomcat 10.1 and 11 (portcullis-valve-" + version + ".jar, " + JAKARTA_API + ")";
        String thisTomcat = available.test(JAKARTA) ? "Tomcat 10.1 or newer (" + JAKARTA_API + ")"
                : available.test(JAVAX) ? "Tomcat 9 or older (" + JAVAX_API + ")" : "not one with a Servlet API this JAR knows";
        String otherJar = forTomcat9 ? "portcullis-valve-" + version + ".jar" : "portcullis-valve-tomcat9-" + version + ".jar";
        return Optional.of("Portcullis cannot start: this is " + thisJar + ", and this Tomcat is " + thisTomcat
                + "; put " + otherJar + " into lib/ instead of it (Tomcat 10.1 and 11: portcullis-valve, Tomcat 9:"
                + " portcullis-valve-tomcat9).");
    }

    private static boolean available(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
