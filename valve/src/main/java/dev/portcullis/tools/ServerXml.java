package dev.portcullis.tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.SecureXml;

/**
 * Reads the valve's attributes from a Tomcat {@code server.xml} or context file: the first
 * {@code <Valve className="dev.portcullis.SsoValve">} element in document order (commented-out
 * ones are comments and do not count), with {@code ${name}} and {@code ${name:-default}} replaced
 * the way Tomcat's digester does.
 *
 * <p>Property values come from, in order: the system properties of this JVM; {@code catalina.base}
 * and {@code catalina.home} as Tomcat would set them (from {@code CATALINA_BASE}/{@code CATALINA_HOME},
 * else the directory above the file's {@code conf/}); the {@code conf/catalina.properties} next
 * to the file, which Tomcat loads as system properties; then the process environment. Tomcat reads
 * the environment only when {@code EnvironmentPropertySource} is configured, so a value taken from
 * there is named in a note. An unresolved {@code ${...}} is left as it is, as Tomcat leaves it.
 */
final class ServerXml {

    static final String VALVE_CLASS = "dev.portcullis.SsoValve";
    /** Attributes that Tomcat hands to ValveBase itself, never to Portcullis's settings. */
    private static final Set<String> BASE_ATTRIBUTES = Set.of("className", "asyncSupported", "domain");

    /**
     * The valve element found.
     *
     * @param attributes  its attributes after substitution, in document order, className and base ones left out
     * @param contextPath the context path when the valve sits in a Context (from its path attribute or the
     *                    context file's name), {@code ""} at Host or Engine level, null when it cannot be told
     * @param notes       what the reader did that the operator should know
     */
    record ValveElement(Map<String, String> attributes, String contextPath, List<String> notes, String catalinaBase) {
    }

    private final Properties system;
    private final Function<String, String> environment;
    private final SecureXml xml;

    ServerXml(Properties system, Function<String, String> environment, SecureXml xml) {
        this.system = system;
        this.environment = environment;
        this.xml = xml;
    }

    ValveElement read(Path file) throws UsageException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageException("no such file: " + file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + " (" + e + ")");
        }
        Document document;
        try {
            document = xml.parse(bytes);
        } catch (SamlValidationException e) {
            throw new UsageException(file + " cannot be read as XML: " + e.detail()
                    + " (saml-inspect never processes DTDs; use --set for each attribute instead)");
        }
        Element valve = findValve(document);
        if (valve == null) {
            throw new UsageException(file + " has no <Valve className=\"" + VALVE_CLASS + "\"> element");
        }
        List<String> notes = new ArrayList<>();
        Map<String, String> guessed = new LinkedHashMap<>();
        Properties properties = properties(file, guessed, notes);
        Map<String, String> attributes = new LinkedHashMap<>();
        NamedNodeMap map = valve.getAttributes();
        for (int i = 0; i < map.getLength(); i++) {
            Attr attribute = (Attr) map.item(i);
            String name = attribute.getName();
            if (BASE_ATTRIBUTES.contains(name) || name.startsWith("xmlns")) {
                continue;
            }
            attributes.put(name, substitute(name, attribute.getValue(), properties, guessed, notes));
        }
        return new ValveElement(attributes, contextPath(valve, file), notes, properties.getProperty("catalina.base"));
    }

    private static Element findValve(Document document) {
        NodeList valves = document.getElementsByTagName("Valve");
        for (int i = 0; i < valves.getLength(); i++) {
            Element valve = (Element) valves.item(i);
            if (VALVE_CLASS.equals(valve.getAttribute("className").trim())) {
                return valve;
            }
        }
        return null;
    }

    /**
     * The context path of a valve inside a {@code <Context>}: its {@code path} attribute (server.xml),
     * else the name of a {@code conf/[engine]/[host]/NAME.xml} file (ROOT is {@code ""}, {@code #} is
     * {@code /}), else null. {@code ""} outside a Context.
     */
    static String contextPath(Element valve, Path file) {
        Node parent = valve.getParentNode();
        if (!(parent instanceof Element context) || !"Context".equals(context.getTagName())) {
            return "";
        }
        String path = context.getAttribute("path");
        if (!path.isEmpty()) {
            return path.equals("/") ? "" : path;
        }
        String name = file.getFileName().toString();
        if (name.endsWith(".xml") && !name.equals("context.xml") && !name.equals("server.xml")) {
            String base = name.substring(0, name.length() - 4);
            return base.equals("ROOT") ? "" : "/" + base.replace('#', '/');
        }
        return null;
    }

    /** @param guessed receives the properties set here rather than by the JVM, with how they were found */
    private Properties properties(Path file, Map<String, String> guessed, List<String> notes) {
        Properties properties = new Properties();
        properties.putAll(system);
        Path conf = file.toAbsolutePath().getParent();
        // conf/server.xml, or conf/Catalina/localhost/app.xml: catalina.base is the directory above conf.
        Path base = null;
        for (Path p = conf; p != null; p = p.getParent()) {
            if (p.getFileName() != null && p.getFileName().toString().equals("conf")) {
                base = p.getParent();
                break;
            }
        }
        guess(properties, "catalina.base", "CATALINA_BASE", base, guessed);
        guess(properties, "catalina.home", "CATALINA_HOME", Path.of(properties.getProperty("catalina.base", ".")), guessed);
        Path catalinaProperties = Path.of(properties.getProperty("catalina.base", "."), "conf", "catalina.properties");
        if (Files.isReadable(catalinaProperties)) {
            Properties loaded = new Properties();
            try (InputStream in = Files.newInputStream(catalinaProperties)) {
                loaded.load(in);
                loaded.forEach(properties::putIfAbsent);
            } catch (IOException | IllegalArgumentException e) {
                notes.add("cannot read " + catalinaProperties + " (" + e.getMessage() + "); its properties are not used");
            }
        }
        return properties;
    }

    /** Sets catalina.base or catalina.home as Tomcat's scripts would, when this JVM has no value. */
    private void guess(Properties properties, String name, String variable, Path fallback, Map<String, String> guessed) {
        if (properties.getProperty(name) != null) {
            return;
        }
        String fromEnvironment = environment.apply(variable);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            properties.setProperty(name, fromEnvironment);
            guessed.put(name, "from $" + variable);
        } else if (fallback != null) {
            properties.setProperty(name, fallback.toString());
            guessed.put(name, "the directory above conf/; set " + variable + " or -D" + name + " if that is wrong");
        }
    }

    /** Replaces every {@code ${name}} or {@code ${name:-default}}; unknown names are left as written. */
    private String substitute(String attribute, String value, Properties properties, Map<String, String> guessed,
                              List<String> notes) {
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            int start = value.indexOf("${", i);
            int end = start < 0 ? -1 : value.indexOf('}', start + 2);
            if (start < 0 || end < 0) {
                out.append(value, i, value.length());
                break;
            }
            out.append(value, i, start);
            String expression = value.substring(start + 2, end);
            String name = expression;
            String fallback = null;
            int dash = expression.indexOf(":-");
            if (dash >= 0) {
                name = expression.substring(0, dash);
                fallback = expression.substring(dash + 2);
            }
            String replacement = properties.getProperty(name);
            String how = replacement == null ? null : guessed.remove(name);
            if (how != null) {
                notes.add("${" + name + "} = " + replacement + " (" + how + ")");
            }
            if (replacement == null) {
                replacement = environment.apply(name);
                if (replacement != null) {
                    notes.add(attribute + ": ${" + name + "} taken from the environment (Tomcat does that only with"
                            + " org.apache.tomcat.util.digester.EnvironmentPropertySource configured)");
                }
            }
            if (replacement == null) {
                replacement = fallback;
            }
            if (replacement == null) {
                notes.add(attribute + ": ${" + name + "} is not set; left as written, as Tomcat would");
                replacement = value.substring(start, end + 1);
            }
            out.append(replacement);
            i = end + 1;
        }
        return out.toString();
    }
}
