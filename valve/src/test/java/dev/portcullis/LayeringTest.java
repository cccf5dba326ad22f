package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The packages depend on each other in one direction, as docs/ARCHITECTURE.md draws them: the valve on
 * the engine, the engine on everything below it, the pac4j adapter on the protocol, state and web
 * layers, and the protocol ({@code saml}) and configuration on nothing of Portcullis's. Read from the
 * sources (imports and qualified names in code; comments and strings ignored), so a new upward import
 * fails here with the file that made it.
 */
class LayeringTest {

    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "portcullis");
    private static final String ROOT = "(root)";

    /** What each package may use; every package may use itself. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("config", Set.of()),
            Map.entry("saml", Set.of()),
            Map.entry("audit", Set.of()),
            Map.entry("session", Set.of("saml")),
            Map.entry("web", Set.of("config", "saml", "session")),
            // tomcat -> config: ProtectedWebapps names the webapps the path settings reach and the admin roles they
            // use, with the settings' own value types (config depends on nothing).
            Map.entry("tomcat", Set.of("config", "session")),
            Map.entry("logging", Set.of("config")),
            Map.entry("pac4j", Set.of("audit", "config", "saml", "session", "web")),
            Map.entry("engine", Set.of("audit", "config", "logging", "pac4j", "saml", "session", "tomcat", "web")),
            // tools -> engine: saml-inspect builds its ServiceProvider through the engine's ServiceProviderFactory,
            // so the tool's validator is configured exactly as the running valve's (issue 11, "The checks").
            Map.entry("tools", Set.of("config", "engine", "saml", "session")),
            Map.entry(ROOT, Set.of("config", "engine", "logging", "tomcat")));

    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.portcullis\\.(?:([a-z0-9]+)\\.|[A-Z])");

    @Test
    void noPackageUsesOneAboveIt() throws IOException {
        List<String> violations = new ArrayList<>();
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                String pkg = relative.getNameCount() == 1 ? ROOT : relative.getName(0).toString();
                packages.add(pkg);
                String code = codeOnly(Files.readString(file, StandardCharsets.UTF_8));
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    String used = m.group(1) == null ? ROOT : m.group(1);
                    if (!used.equals(pkg) && !ALLOWED.getOrDefault(pkg, Set.of()).contains(used)) {
                        violations.add(relative + " uses " + used);
                    }
                }
            }
        }
        assertThat(packages).as("every package has a place in the layering").isSubsetOf(ALLOWED.keySet());
        assertThat(violations).isEmpty();
    }

    /** The source without comments, string and character literals (text blocks included). */
    static String codeOnly(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? source.length() : end + 2;
            } else if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? source.length() : end;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                i = end < 0 ? source.length() : end + 3;
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i++);
                while (i < source.length() && source.charAt(i) != quote) {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else {
                code.append(source.charAt(i++));
                continue;
            }
            code.append(' ');
        }
        return code.toString();
    }
}
