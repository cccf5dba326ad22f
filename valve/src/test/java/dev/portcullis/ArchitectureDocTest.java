package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * docs/ARCHITECTURE.md names classes and methods; they must exist (a renamed or deleted one is how the
 * page drifted before: it named a {@code verifySignatures} that was gone), and its package table must
 * list exactly the valve's packages.
 */
class ArchitectureDocTest {

    private static final Path DOC = Path.of("..", "docs", "ARCHITECTURE.md");
    private static final Path MAIN = Path.of("src", "main", "java", "dev", "portcullis");
    private static final Path TEST = Path.of("src", "test", "java", "dev", "portcullis");
    /** The Tomcat 9 edition's build tools and tests, which the page's "Tomcat 9" section names. */
    private static final List<Path> TOMCAT9 = List.of(Path.of("..", "tomcat9-build", "src", "main", "java"),
            Path.of("..", "valve-tomcat9", "src", "test", "java"));
    /** The OpenID Connect add-on, which the page's "OpenID Connect" section names. */
    private static final List<Path> OIDC = List.of(Path.of("..", "oidc", "src", "main", "java"),
            Path.of("..", "oidc", "src", "test", "java"));
    /** Names in the page that are not Portcullis classes: pac4j's, the JDK's, ASM's, SAML's and HTTP's. */
    private static final Set<String> NOT_OURS = Set.of("Accept", "AuthnContextClassRef", "ClassRemapper",
            "DefaultCallbackLogic", "DefaultLogoutLogic", "DefaultSecurityLogic", "IssueInstant", "NoClassDefFoundError",
            "PortcullisSaml", "Record", "RelayState", "Response", "ServiceLoader", "SessionNotOnOrAfter",
            "UnsupportedClassVersionError");
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Za-z0-9]*)(?:\\.([a-z][A-Za-z0-9]*))?`");

    private static Map<String, Path> sources() throws IOException {
        Map<String, Path> byName = new HashMap<>();
        List<Path> roots = new ArrayList<>(List.of(MAIN, TEST));
        roots.addAll(TOMCAT9);
        roots.addAll(OIDC);
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".java"))
                        .forEach(f -> byName.put(f.getFileName().toString().replace(".java", ""), f));
            }
        }
        return byName;
    }

    @Test
    void everyClassAndMethodThePageNamesExists() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Map<String, Path> sources = sources();
        List<String> missing = new ArrayList<>();
        Matcher m = NAME.matcher(doc);
        while (m.find()) {
            String type = m.group(1);
            if (NOT_OURS.contains(type)) {
                continue;
            }
            Path file = sources.get(type);
            if (file == null) {
                missing.add(type);
            } else if (m.group(2) != null
                    && !Pattern.compile("\\b" + m.group(2) + "\\b").matcher(Files.readString(file)).find()) {
                missing.add(type + "." + m.group(2));
            }
        }
        assertThat(missing).as("named in docs/ARCHITECTURE.md but not in the code").isEmpty();
    }

    @Test
    void thePackageTableListsEveryPackage() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `(dev\\.portcullis|\\.[a-z0-9]+)` \\|").matcher(doc);
        while (row.find()) {
            documented.add(row.group(1));
        }
        Set<String> packages = new TreeSet<>();
        packages.add("dev.portcullis");
        try (Stream<Path> dirs = Files.list(MAIN)) {
            dirs.filter(Files::isDirectory).forEach(d -> packages.add("." + d.getFileName()));
        }
        assertThat(documented).isEqualTo(packages);
    }
}
