package dev.portcullis.tools;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import dev.portcullis.engine.Operations;

/**
 * {@code portcullis-admin}: reads and pulls the levers of the Portcullis valves of a running Tomcat
 * through JMX, as jconsole would, from a shell script or a runbook. It ships in the valve JAR:
 *
 * <pre>
 * java -cp $CATALINA_BASE/lib/portcullis-valve-*.jar dev.portcullis.tools.PortcullisAdmin --pid PID status
 * </pre>
 *
 * <p>It reaches Tomcat either by local attach ({@code --pid}: the JDK's attach API starts Tomcat's local
 * JMX agent if needed, which only the same OS user may do) or through a JMX URL ({@code --url}, for a
 * Tomcat started with {@code com.sun.management.jmxremote.*}; a user with {@code --user}, the password
 * from {@code PORTCULLIS_JMX_PASSWORD} or {@code --password-file}, never from the command line where
 * {@code ps} would show it). What it can do is exactly what the valve's MBean offers
 * ({@code dev.portcullis.engine.OperationsMXBean}); every lever is audited by the valve, under the JMX
 * user when there is one. Exit status: 0 done, 1 the valve said no (a refresh that failed), 2 usage or
 * connection error, in one sentence on standard error.
 */
public final class PortcullisAdmin {

    static final String USAGE = """
            usage: portcullis-admin (--pid PID | --url SERVICE_URL) [--user USER [--password-file FILE]]
                                    [--valve HOST[/CONTEXT]] COMMAND [ARGUMENT]

            Commands:
              valves                 list the running Portcullis valves (their MBean names)
              status                 print the valve's counters, IdP metadata state and settings in force
              end-sessions NAMEID    end every session of the user with this NameID, on every node sharing the store
              end-all-sessions --yes end every session (incident response)
              refresh-metadata       read the IdP metadata again now

            --pid PID           attach to the Tomcat JVM with this process id (same OS user, a JDK's java)
            --url SERVICE_URL   a JMX service URL, such as service:jmx:rmi:///jndi/rmi://127.0.0.1:9010/jmxrmi
            --user USER         JMX user; the password comes from PORTCULLIS_JMX_PASSWORD or --password-file
            --valve HOST[/CTX]  which valve, when the Tomcat runs several (see: valves)
            """;

    /** Exit statuses. */
    static final int DONE = 0;
    static final int REFUSED = 1;
    static final int USAGE_OR_CONNECTION = 2;

    private final Function<String, String> environment;

    public PortcullisAdmin(Function<String, String> environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status = new PortcullisAdmin(System::getenv).run(args, out, err);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /** A mistake of the caller's, said in one sentence. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The command line, parsed. */
    record Options(String pid, String url, String user, Path passwordFile, String valve, String command, String argument,
                   boolean yes) {

        static Options parse(String[] args) throws UsageException {
            Map<String, String> values = new HashMap<>();
            List<String> words = new ArrayList<>();
            boolean yes = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--pid", "--url", "--user", "--password-file", "--valve" -> {
                        if (i + 1 >= args.length) {
                            throw new UsageException(arg + " needs a value.");
                        }
                        values.put(arg, args[++i]);
                    }
                    case "--yes" -> yes = true;
                    case "--password" -> throw new UsageException("a password is never given on the command line (ps shows"
                            + " it to every user); set PORTCULLIS_JMX_PASSWORD or use --password-file.");
                    default -> {
                        if (arg.startsWith("--")) {
                            throw new UsageException("unknown option " + arg + "; run with --help.");
                        }
                        words.add(arg);
                    }
                }
            }
            if ((values.get("--pid") == null) == (values.get("--url") == null)) {
                throw new UsageException("say which Tomcat: --pid PID (local attach) or --url SERVICE_URL, one of them.");
            }
            if (words.isEmpty()) {
                throw new UsageException("no command; run with --help for the list.");
            }
            String command = words.get(0);
            int arguments = command.equals("end-sessions") ? 1 : 0;
            if (!List.of("valves", "status", "end-sessions", "end-all-sessions", "refresh-metadata").contains(command)) {
                throw new UsageException("unknown command " + command + "; run with --help for the list.");
            }
            if (words.size() != 1 + arguments) {
                throw new UsageException(arguments == 1 ? command + " needs the user's NameID, exactly as the IdP sends it."
                        : command + " takes no argument.");
            }
            return new Options(values.get("--pid"), values.get("--url"), values.get("--user"),
                    values.containsKey("--password-file") ? Path.of(values.get("--password-file")) : null,
                    values.get("--valve"), command, arguments == 1 ? words.get(1) : null, yes);
        }
    }

    /** One run; returns the exit status. */
    public int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || List.of(args).contains("--help") || List.of(args).contains("-h")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? USAGE_OR_CONNECTION : DONE;
        }
        try {
            Options options = Options.parse(args);
            if (options.command().equals("end-all-sessions") && !options.yes()) {
                throw new UsageException("end-all-sessions signs every user out on every node; add --yes to do it.");
            }
            try (JMXConnector connector = connect(options)) {
                return execute(options, connector.getMBeanServerConnection(), out);
            }
        } catch (UsageException e) {
            err.println("portcullis-admin: " + e.getMessage());
            return USAGE_OR_CONNECTION;
        } catch (IOException e) {
            err.println("portcullis-admin: the JMX connection failed (" + e.getMessage() + "); is Tomcat running and its"
                    + " JMX port reachable?");
            return USAGE_OR_CONNECTION;
        } catch (SecurityException e) {
            err.println("portcullis-admin: JMX refused the credentials (" + e.getMessage() + ").");
            return USAGE_OR_CONNECTION;
        } catch (JMException e) {
            Throwable cause = e instanceof MBeanException mbean && mbean.getCause() != null ? mbean.getCause() : e;
            err.println("portcullis-admin: the valve refused: " + cause.getMessage());
            return REFUSED;
        }
    }

    private JMXConnector connect(Options options) throws UsageException, IOException {
        if (options.url() == null && ModuleLayer.boot().findModule("jdk.attach").isEmpty()) {
            // Checked before LocalAttach is loaded: its class names the attach API, which a JRE lacks.
            throw new UsageException("--pid needs a JDK's java (module jdk.attach); use --url, or run with a JDK.");
        }
        String url = options.url() != null ? options.url() : LocalAttach.serviceUrl(options.pid());
        JMXServiceURL service;
        try {
            service = new JMXServiceURL(url);
        } catch (java.net.MalformedURLException e) {
            throw new UsageException("'" + url + "' is not a JMX service URL (such as"
                    + " service:jmx:rmi:///jndi/rmi://127.0.0.1:9010/jmxrmi).");
        }
        Map<String, Object> environment = new HashMap<>();
        if (options.user() != null) {
            environment.put(JMXConnector.CREDENTIALS, new String[] {options.user(), password(options)});
        }
        return JMXConnectorFactory.connect(service, environment);
    }

    private String password(Options options) throws UsageException {
        if (options.passwordFile() != null) {
            try {
                return Files.readString(options.passwordFile(), StandardCharsets.UTF_8).strip();
            } catch (NoSuchFileException e) {
                throw new UsageException("the password file " + options.passwordFile() + " does not exist.");
            } catch (IOException e) {
                throw new UsageException("cannot read the password file " + options.passwordFile() + ": " + e.getMessage());
            }
        }
        String password = environment.apply("PORTCULLIS_JMX_PASSWORD");
        if (password == null) {
            throw new UsageException("--user needs a password: set PORTCULLIS_JMX_PASSWORD or use --password-file.");
        }
        return password;
    }

    /** Runs the command against a connection (the Tomcat's, or in tests any MBeanServer's). */
    int execute(Options options, MBeanServerConnection jmx, PrintStream out) throws UsageException, IOException, JMException {
        Set<ObjectName> valves = new TreeSet<>(jmx.queryNames(new ObjectName(Operations.DOMAIN + ":type=SsoValve,*"), null));
        if (options.command().equals("valves")) {
            valves.forEach(name -> out.println(name));
            return DONE;
        }
        ObjectName valve = choose(valves, options.valve());
        try {
            switch (options.command()) {
                case "status" -> status(jmx, valve, out);
                case "end-sessions" -> out.println("Ended " + jmx.invoke(valve, "endSessionsOf", new Object[] {options.argument()},
                        new String[] {String.class.getName()}) + " session(s) of " + options.argument() + ".");
                case "end-all-sessions" -> out.println("Ended " + jmx.invoke(valve, "endAllSessions", null, null) + " session(s).");
                case "refresh-metadata" -> {
                    if (!Boolean.TRUE.equals(jmx.invoke(valve, "refreshIdpMetadata", null, null))) {
                        out.println("The IdP metadata could not be read; the previous metadata stays in use (Portcullis's"
                                + " log says why).");
                        return REFUSED;
                    }
                    out.println("IdP metadata read again; source " + jmx.getAttribute(valve, "IdpMetadataSource") + ".");
                }
                default -> throw new UsageException("unknown command " + options.command() + ".");
            }
        } catch (InstanceNotFoundException e) {
            throw new UsageException("the valve " + valve + " stopped meanwhile.");
        }
        return DONE;
    }

    /** The one valve, or the one {@code --valve HOST[/CONTEXT]} names. */
    static ObjectName choose(Set<ObjectName> valves, String wanted) throws UsageException {
        if (valves.isEmpty()) {
            throw new UsageException("this Tomcat runs no Portcullis valve (no " + Operations.DOMAIN + ":type=SsoValve MBean).");
        }
        if (wanted == null) {
            if (valves.size() > 1) {
                throw new UsageException("this Tomcat runs " + valves.size() + " Portcullis valves; choose one with --valve "
                        + "HOST or HOST/CONTEXT: " + String.join(", ", valves.stream().map(PortcullisAdmin::shortName).toList()) + ".");
            }
            return valves.iterator().next();
        }
        for (ObjectName valve : valves) {
            if (shortName(valve).equals(wanted)) {
                return valve;
            }
        }
        throw new UsageException("no valve " + wanted + "; the valves are: "
                + String.join(", ", valves.stream().map(PortcullisAdmin::shortName).toList()) + ".");
    }

    /** {@code HOST} or {@code HOST/CONTEXT} ({@code HOST/} for the ROOT webapp). */
    static String shortName(ObjectName valve) {
        String host = unquote(valve.getKeyProperty("host"));
        String context = valve.getKeyProperty("context");
        return context == null ? host : host + (context.equals("/") ? "/" : unquote(context));
    }

    private static String unquote(String value) {
        return value != null && value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }

    private static void status(MBeanServerConnection jmx, ObjectName valve, PrintStream out)
            throws JMException, IOException {
        out.println(valve);
        List<String> names = new ArrayList<>();
        for (MBeanAttributeInfo info : jmx.getMBeanInfo(valve).getAttributes()) {
            names.add(info.getName());
        }
        names.sort(String::compareTo);
        AttributeList values = jmx.getAttributes(valve, names.toArray(String[]::new));
        for (Attribute attribute : values.asList()) {
            Object value = attribute.getValue();
            if (value instanceof TabularData table) {
                List<String> lines = new ArrayList<>();
                for (Object row : table.values()) {
                    CompositeData data = (CompositeData) row;
                    lines.add("  " + attribute.getName() + "[" + data.get("key") + "]: " + data.get("value"));
                }
                lines.sort(String::compareTo);
                lines.forEach(out::println);
            } else {
                out.println("  " + attribute.getName() + ": " + (value == null ? "-" : value));
            }
        }
    }
}
