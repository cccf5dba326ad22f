package dev.portcullis.build.tomcat9;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.objectweb.asm.Type;

/**
 * The renames of {@code jakarta-to-javax.rules}: packages (with their sub-packages) and literal text in
 * deployment descriptors. Immutable.
 */
public final class Rules {

    /** Internal-name prefixes, such as {@code jakarta/servlet/} to {@code javax/servlet/}. */
    private final Map<String, String> internalPrefixes;
    /** Dotted package names, such as {@code jakarta.servlet} to {@code javax.servlet}. */
    private final Map<String, String> packages;
    /** Literal descriptor text, longest first. */
    private final List<Map.Entry<String, String>> texts;
    private final List<Call> calls;

    /**
     * A call Tomcat 9 cannot link, made instead to {@code owner.name} with descriptor {@code to}, which has one
     * more reference parameter than {@code from}, just before the last one; the call passes null there.
     */
    public record Call(String owner, String name, String from, String to) {

        public Call {
            Type[] fromArgs = Type.getArgumentTypes(from);
            Type[] toArgs = Type.getArgumentTypes(to);
            boolean shape = fromArgs.length >= 1 && toArgs.length == fromArgs.length + 1
                    && Type.getReturnType(from).equals(Type.getReturnType(to))
                    && toArgs[toArgs.length - 2].getSort() == Type.OBJECT
                    && toArgs[toArgs.length - 1].equals(fromArgs[fromArgs.length - 1])
                    // SWAP moves one-slot values only.
                    && fromArgs[fromArgs.length - 1].getSize() == 1;
            for (int i = 0; shape && i < fromArgs.length - 1; i++) {
                shape = fromArgs[i].equals(toArgs[i]);
            }
            if (!shape) {
                throw new IllegalArgumentException("call " + owner + "." + name + ": " + to + " is not " + from
                        + " with one reference parameter more, just before the last (a one-slot value)");
            }
        }
    }

    private Rules(Map<String, String> packages, List<Map.Entry<String, String>> texts, List<Call> calls) {
        this.calls = List.copyOf(calls);
        this.packages = Map.copyOf(packages);
        Map<String, String> internal = new LinkedHashMap<>();
        packages.forEach((from, to) -> internal.put(from.replace('.', '/') + "/", to.replace('.', '/') + "/"));
        this.internalPrefixes = Map.copyOf(internal);
        List<Map.Entry<String, String>> sorted = new ArrayList<>(texts);
        sorted.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        this.texts = List.copyOf(sorted);
    }

    /** The rules shipped with this module. */
    public static Rules jakartaToJavax() {
        try (InputStream in = Rules.class.getResourceAsStream("jakarta-to-javax.rules")) {
            if (in == null) {
                throw new IllegalStateException("jakarta-to-javax.rules is missing from the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines {@code package FROM TO}, {@code call OWNER.NAME FROM TO}, {@code text FROM TO}; {@code #} starts a comment. */
    static Rules parse(String text) {
        Map<String, String> packages = new LinkedHashMap<>();
        List<Map.Entry<String, String>> texts = new ArrayList<>();
        List<Call> calls = new ArrayList<>();
        int number = 0;
        for (String line : text.split("\\R")) {
            number++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+");
            if (parts.length == 4 && parts[0].equals("call") && parts[1].lastIndexOf('.') > 0) {
                int dot = parts[1].lastIndexOf('.');
                calls.add(new Call(parts[1].substring(0, dot), parts[1].substring(dot + 1), parts[2], parts[3]));
                continue;
            }
            if (parts.length != 3 || !(parts[0].equals("package") || parts[0].equals("text"))) {
                throw new IllegalArgumentException("rules line " + number + " is not 'package FROM TO', 'call OWNER.NAME FROM TO'"
                        + " or 'text FROM TO': [" + line + "]");
            }
            if (parts[0].equals("package")) {
                packages.put(parts[1], parts[2]);
            } else {
                texts.add(Map.entry(parts[1], parts[2]));
            }
        }
        if (packages.isEmpty()) {
            throw new IllegalArgumentException("the rules rename no package");
        }
        return new Rules(packages, texts, calls);
    }

    /** The call rules. */
    public List<Call> calls() {
        return calls;
    }

    /** An internal class name ({@code jakarta/servlet/Servlet}) renamed, or the same name. */
    public String internalName(String name) {
        for (Map.Entry<String, String> prefix : internalPrefixes.entrySet()) {
            if (name.startsWith(prefix.getKey())) {
                return prefix.getValue() + name.substring(prefix.getKey().length());
            }
        }
        return name;
    }

    /**
     * A string constant renamed when it starts with a renamed package, dotted or as an internal name
     * ({@code jakarta.servlet.error.exception}, {@code jakarta.servlet.Servlet}); any other string stays.
     */
    public String constant(String value) {
        for (Map.Entry<String, String> pkg : packages.entrySet()) {
            String from = pkg.getKey();
            if (value.equals(from)) {
                return pkg.getValue();
            }
            if (value.startsWith(from + ".")) {
                return pkg.getValue() + value.substring(from.length());
            }
        }
        return internalName(value);
    }

    /** A deployment descriptor's text with every literal rename applied. */
    public String descriptor(String text) {
        String result = text;
        for (Map.Entry<String, String> rename : texts) {
            result = result.replace(rename.getKey(), rename.getValue());
        }
        return result;
    }

    /** The renamed packages, dotted ({@code jakarta.servlet}). */
    public Iterable<String> renamedPackages() {
        return packages.keySet();
    }

    /** Whether the text still names a renamed package, dotted or as an internal name. */
    public boolean mentionsRenamedPackage(String text) {
        for (String from : packages.keySet()) {
            if (text.contains(from) || text.contains(from.replace('.', '/'))) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.regex.Pattern SCHEMA = java.util.regex.Pattern.compile("(web-app|web-fragment)_(\\d+)_(\\d+)\\.xsd");
    private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("\\bversion=\"(\\d+)\\.\\d+\"");

    /**
     * Whether descriptor text, after the renames, is still beyond Servlet 4.0: a Jakarta EE namespace, a
     * schema other than 4.0, or a version above 4 (such as a schema or version the rules do not know yet).
     */
    public boolean mentionsRenamedText(String text) {
        if (text.contains("jakarta.ee/xml/ns")) {
            return true;
        }
        java.util.regex.Matcher schema = SCHEMA.matcher(text);
        while (schema.find()) {
            if (!(schema.group(2).equals("4") && schema.group(3).equals("0"))) {
                return true;
            }
        }
        java.util.regex.Matcher version = VERSION.matcher(text);
        while (version.find()) {
            if (Integer.parseInt(version.group(1)) > 4) {
                return true;
            }
        }
        return false;
    }
}
