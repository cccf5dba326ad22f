package dev.portcullis.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The add-on's layering, as docs/ARCHITECTURE.md draws it (the valve's own {@code LayeringTest} covers the valve):
 * the protocol package {@code oidc} holds the token rules on Nimbus types only (no servlet, Tomcat, pac4j or
 * Ehcache type, nothing of Portcullis's), so the same checks could serve a tool; {@code oidcclient}, the glue, may
 * use the protocol and the valve's layers the SAML client uses, and never names the Servlet API (the add-on serves
 * the Tomcat 9 valve too). Read from the sources, comments and strings ignored.
 */
class OidcLayeringTest {

    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "portcullis");
    private static final Pattern PORTCULLIS = Pattern.compile("\\bdev\\.portcullis\\.([a-z0-9]+)\\.");
    private static final Pattern FOREIGN = Pattern.compile("\\b(jakarta\\.servlet|javax\\.servlet|org\\.pac4j|org\\.ehcache"
            + "|org\\.apache\\.catalina|org\\.apache\\.tomcat)\\b");

    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "oidc", Set.of(),
            "oidcclient", Set.of("oidc", "engine", "config", "pac4j", "session", "saml", "audit"));

    @Test
    void theProtocolPackageUsesNimbusOnlyAndTheGlueOnlyWhatTheSamlClientUses() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file).getName(0).toString();
                assertThat(ALLOWED).as("package %s has a place in the layering", pkg).containsKey(pkg);
                String code = codeOnly(Files.readString(file, StandardCharsets.UTF_8));
                Matcher used = PORTCULLIS.matcher(code);
                while (used.find()) {
                    if (!used.group(1).equals(pkg) && !ALLOWED.get(pkg).contains(used.group(1))) {
                        violations.add(file.getFileName() + " uses " + used.group(1));
                    }
                }
                Matcher foreign = FOREIGN.matcher(code);
                while (foreign.find()) {
                    boolean servlet = foreign.group(1).endsWith("servlet");
                    if (pkg.equals("oidc") || servlet) {
                        violations.add(file.getFileName() + " names " + foreign.group(1));
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    /** The source without comments and string literals. */
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
