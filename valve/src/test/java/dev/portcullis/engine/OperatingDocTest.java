package dev.portcullis.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.portcullis.audit.Counters;

/**
 * README "Operating Portcullis" names exactly what the MBean has: each attribute in the metrics table,
 * each operation in the levers table, each logout kind, and each reason code of the health check; and
 * the Prometheus rules shipped in conf/examples cover every numeric attribute.
 */
class OperatingDocTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path PROMETHEUS = Path.of("..", "conf", "examples", "prometheus-jmx-exporter.yml");

    private static String section() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf("## Operating Portcullis");
        assertThat(start).as("README has the section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 3);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    /** The first cell of each row of the table that follows {@code heading}, split on commas, without backquotes. */
    private static Set<String> firstColumn(String section, String heading) {
        String table = section.substring(section.indexOf(heading));
        Set<String> names = new TreeSet<>();
        boolean inTable = false;
        for (String line : table.split("\n")) {
            if (line.startsWith("| ")) {
                inTable = true;
                if (!line.startsWith("| ---")) {
                    for (String name : line.substring(2, line.indexOf(" |")).split(", ")) {
                        names.add(name.replace("`", "").replaceAll("\\(.*\\)", ""));
                    }
                }
            } else if (inTable) {
                break;
            }
        }
        return names;
    }

    private static List<Method> mbeanMethods() {
        List<Method> methods = new ArrayList<>(List.of(OperationsMXBean.class.getMethods()));
        methods.sort((a, b) -> a.getName().compareTo(b.getName()));
        return methods;
    }

    private static String attribute(Method getter) {
        return getter.getName().replaceFirst("^(get|is)", "");
    }

    private static boolean isGetter(Method method) {
        return method.getParameterCount() == 0 && method.getName().matches("(get|is)[A-Z].*");
    }

    @Test
    void theMetricsTableNamesEveryAttribute() throws IOException {
        Set<String> attributes = new TreeSet<>();
        mbeanMethods().stream().filter(OperatingDocTest::isGetter).forEach(m -> attributes.add(attribute(m)));
        Set<String> documented = firstColumn(section(), "### Metrics");
        documented.remove("attribute");
        assertThat(documented).isEqualTo(attributes);
    }

    @Test
    void theLeversTableNamesEveryOperation() throws IOException {
        Set<String> operations = new TreeSet<>();
        mbeanMethods().stream().filter(m -> !isGetter(m)).forEach(m -> operations.add(m.getName()));
        Set<String> documented = firstColumn(section(), "### Levers");
        documented.remove("operation");
        assertThat(documented).isEqualTo(operations);
    }

    @Test
    void theLogoutKindsAndHealthReasonsAreTheCodes() throws IOException {
        String section = section();
        for (String kind : Counters.LOGOUT_KINDS) {
            assertThat(section).contains("`" + kind + "`");
        }
        Set<String> reasons = firstColumn(section, "### Health check");
        reasons.remove("reason");
        assertThat(reasons).containsExactlyInAnyOrder(Operations.OK, Operations.STATE_STORE_UNAVAILABLE,
                Operations.IDP_METADATA_EXPIRED);
    }

    @Test
    void thePrometheusRulesCoverEveryNumericAttribute() throws IOException {
        String rules = Files.readString(PROMETHEUS, StandardCharsets.UTF_8);
        Set<String> covered = new TreeSet<>();
        Matcher m = Pattern.compile("><>(\\w+): \\(\\.\\*\\)'").matcher(rules);
        while (m.find()) {
            covered.add(m.group(1));
        }
        Set<String> numeric = new TreeSet<>();
        for (Method getter : mbeanMethods()) {
            Class<?> type = getter.getReturnType();
            if (isGetter(getter) && type != String.class && !(getter.getName().equals("getSettings"))) {
                numeric.add(attribute(getter));
            }
        }
        assertThat(covered).isEqualTo(numeric);
    }
}
