package dev.portcullis;

import java.io.IOException;
import java.util.logging.Logger;

import javax.servlet.ServletException;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * What a Tomcat 9 running on Java 8 to 16 finds under {@code dev.portcullis.SsoValve} in the Tomcat 9 JAR.
 * The real valve (module {@code valve}, compiled for Java 17) is in the same JAR under
 * {@code META-INF/versions/17/}, a multi-release JAR entry that only a Java 17 or newer runtime reads; an
 * older one would otherwise stop at the real class with an {@code UnsupportedClassVersionError} and a
 * stack trace about "class file version 61.0". This class is compiled for Java 8, touches nothing
 * compiled for 17, and instead says in one sentence which Java is needed; it refuses to start, which
 * stops its Host, so that no webapp is served unprotected (fail closed).
 *
 * <p>It is not a copy of the valve: it has no setting, no engine and no request path; every attribute
 * of the {@code <Valve>} element is accepted unread so that the log shows that one sentence rather than
 * one warning per attribute.
 */
public class SsoValve extends ValveBase {

    /** The first Java release the real valve runs on (pac4j 6 needs 17). */
    static final int REQUIRED_JAVA = 17;

    public SsoValve() {
        super(true);
    }

    /** Tomcat calls this for every attribute; the real valve reads them, this one cannot use them. */
    public boolean setProperty(String name, String value) {
        return true;
    }

    @Override
    protected void startInternal() throws LifecycleException {
        String message = message(System.getProperty("java.specification.version"), System.getProperty("java.home"));
        Logger.getLogger(SsoValve.class.getName()).severe(message);
        throw new LifecycleException(message);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        // Never reached (the valve does not start), and never a request let through unprotected if it were.
        response.sendError(503);
    }

    /** The sentence for a runtime of {@code specificationVersion} ("1.8", "11", ...) at {@code javaHome}. */
    static String message(String specificationVersion, String javaHome) {
        int feature = feature(specificationVersion);
        if (feature >= REQUIRED_JAVA) {
            return "Portcullis's JAR was read without its Java " + REQUIRED_JAVA + " classes, although this Tomcat runs on Java "
                    + specificationVersion + ": multi-release JARs are turned off (jdk.util.jar.enableMultiRelease) or Tomcat's"
                    + " class loader ignores them; Portcullis will not start, and its Host serves nothing until this is fixed.";
        }
        return "Portcullis needs Java " + REQUIRED_JAVA + " or newer, and this Tomcat runs on Java " + specificationVersion
                + " (" + javaHome + "): start Tomcat with a Java " + REQUIRED_JAVA + "+ runtime (JAVA_HOME or JRE_HOME, for"
                + " example in bin/setenv.sh); Portcullis will not start, and its Host serves nothing until then.";
    }

    /** 8 for "1.8", 11 for "11"; 0 when unreadable. */
    static int feature(String specificationVersion) {
        if (specificationVersion == null) {
            return 0;
        }
        String version = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int dot = version.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
