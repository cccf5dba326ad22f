package dev.portcullis.demo;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * How the demo runs: SAML or OpenID Connect, the two ports, where it keeps its throwaway files, and the
 * sample WAR. Each comes from a command-line argument, else a system property, else its default.
 * Immutable.
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>argument</th><th>system property</th><th>default</th></tr>
 *   <tr><td>{@code --port=N}</td><td>{@code portcullis.demo.port}</td><td>8080: Tomcat with the valve</td></tr>
 *   <tr><td>{@code --idp-port=N}</td><td>{@code portcullis.demo.idpPort}</td><td>8081: the development IdP (or OIDC provider)</td></tr>
 *   <tr><td>{@code --oidc}</td><td>{@code portcullis.demo.oidc=true}</td><td>off: SAML with the development IdP;
 *       on: {@code protocol="oidc"} with the development OIDC provider</td></tr>
 *   <tr><td></td><td>{@code portcullis.demo.workDir}</td><td>demo/target/demo-work</td></tr>
 *   <tr><td></td><td>{@code portcullis.demo.war}</td><td>demo/target/webapps/sample-webapp.war</td></tr>
 * </table>
 *
 * @param port    Tomcat's port
 * @param idpPort the development IdP's (or OIDC provider's) port
 * @param workDir keys, certificates and Tomcat's base directory, recreated on every start
 * @param war     the sample webapp deployed at /sample
 * @param oidc    true: OpenID Connect with the development OIDC provider; false: SAML with the development IdP
 */
public record DemoOptions(int port, int idpPort, Path workDir, Path war, boolean oidc) {

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_IDP_PORT = 8081;

    /** A SAML demo. */
    public DemoOptions(int port, int idpPort, Path workDir, Path war) {
        this(port, idpPort, workDir, war, false);
    }

    public DemoOptions {
        checkPort("--port", port);
        checkPort("--idp-port", idpPort);
        if (port == idpPort) {
            throw new IllegalArgumentException("--port and --idp-port must differ (both are " + port + ")");
        }
    }

    /**
     * @throws IllegalArgumentException with a one-line message for an unknown argument or a bad number
     */
    public static DemoOptions parse(String[] args, Properties properties) {
        String port = properties.getProperty("portcullis.demo.port", String.valueOf(DEFAULT_PORT));
        String idpPort = properties.getProperty("portcullis.demo.idpPort", String.valueOf(DEFAULT_IDP_PORT));
        boolean oidc = Boolean.parseBoolean(properties.getProperty("portcullis.demo.oidc", "false"));
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                port = arg.substring("--port=".length());
            } else if (arg.startsWith("--idp-port=")) {
                idpPort = arg.substring("--idp-port=".length());
            } else if ("--oidc".equals(arg)) {
                oidc = true;
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; the demo takes --oidc, --port=N and --idp-port=N");
            }
        }
        Path target = targetDirectory();
        Path workDir = Path.of(properties.getProperty("portcullis.demo.workDir", target.resolve("demo-work").toString()));
        Path war = Path.of(properties.getProperty("portcullis.demo.war",
                target.resolve("webapps").resolve("sample-webapp.war").toString()));
        return new DemoOptions(number("--port", port), number("--idp-port", idpPort), workDir.toAbsolutePath(),
                war.toAbsolutePath(), oidc);
    }

    /** demo/target: the parent of the classes directory this class was loaded from. */
    private static Path targetDirectory() {
        try {
            Path classes = Path.of(DemoOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("demo", "target");
        }
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number, not '" + value + "'");
        }
    }

    private static void checkPort(String name, int value) {
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException(name + " must be between 1 and 65535, not " + value);
        }
    }
}
