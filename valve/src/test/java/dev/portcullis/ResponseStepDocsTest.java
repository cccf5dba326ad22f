package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.portcullis.saml.ResponseStep;

/**
 * The docs list the rules a Response must pass exactly as {@link ResponseStep} declares them: same
 * steps, same order, same words. The list lives in the code once; the README section "What a
 * Response must pass", docs/SECURITY.md's message checks and the step lines of saml-inspect's first
 * full example in docs/SAML-INSPECT.md repeat it, and fail here when they drift. On failure the
 * expected list is written to {@code target/response-steps.md} to paste in.
 */
class ResponseStepDocsTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path SECURITY = Path.of("..", "docs", "SECURITY.md");
    private static final Path SAML_INSPECT = Path.of("..", "docs", "SAML-INSPECT.md");
    private static final Pattern LIST_ITEM = Pattern.compile("^\\d+\\. `([a-z-]+)`: (.*)$");
    private static final Pattern STEP_LINE = Pattern.compile("^  (?:PASS|FAIL|SKIP|----)  ([a-z-]+) +(.*?)(?:  \\[.*\\])?$");

    static List<String> expectedList() {
        List<String> rows = new ArrayList<>();
        int n = 1;
        for (ResponseStep step : ResponseStep.values()) {
            rows.add(n++ + ". `" + step.key() + "`: " + step.what());
        }
        return rows;
    }

    /** The numbered list in the section that starts with {@code heading}, up to the next heading. */
    private static List<String> listIn(Path file, String heading) throws IOException {
        List<String> rows = new ArrayList<>();
        boolean inside = false;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("#")) {
                if (inside) {
                    break;
                }
                inside = line.equals(heading);
                continue;
            }
            Matcher item = LIST_ITEM.matcher(line);
            if (inside && item.matches()) {
                rows.add(line);
            }
        }
        assertThat(inside || !rows.isEmpty()).as(file + " has the heading " + heading).isTrue();
        return rows;
    }

    private static void check(Path file, String heading) throws IOException {
        List<String> expected = expectedList();
        List<String> actual = listIn(file, heading);
        if (!actual.equals(expected)) {
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "response-steps.md"), expected, StandardCharsets.UTF_8);
        }
        assertThat(actual).as(file + " '" + heading + "' out of date; the expected list is in target/response-steps.md")
                .containsExactlyElementsOf(expected);
    }

    @Test
    void theReadmeListsEveryStepInOrder() throws IOException {
        check(README, "### What a Response must pass");
    }

    @Test
    void securityMdListsEveryStepInOrder() throws IOException {
        check(SECURITY, "### Message checks (`saml/ResponseStep`, run by `saml/ResponseValidator`)");
    }

    @Test
    void samlInspectsFirstFullExampleShowsEveryStepInOrder() throws IOException {
        List<String> keys = new ArrayList<>();
        List<String> whats = new ArrayList<>();
        boolean inside = false;
        for (String line : Files.readAllLines(SAML_INSPECT, StandardCharsets.UTF_8)) {
            if (line.equals("Steps")) {
                inside = true;
                continue;
            }
            Matcher step = STEP_LINE.matcher(line);
            if (inside && step.matches()) {
                keys.add(step.group(1));
                whats.add(step.group(2));
            } else if (inside) {
                break;
            }
        }
        assertThat(keys).containsExactlyElementsOf(List.of(ResponseStep.values()).stream().map(ResponseStep::key).toList());
        assertThat(whats).containsExactlyElementsOf(List.of(ResponseStep.values()).stream().map(ResponseStep::what).toList());
    }

    @Test
    void everyStepHasItsOwnKey() {
        // The keys name steps in the docs and in saml-inspect's output; two steps under one name would make both ambiguous.
        assertThat(List.of(ResponseStep.values()).stream().map(ResponseStep::key).distinct().count())
                .isEqualTo(ResponseStep.values().length);
    }
}
