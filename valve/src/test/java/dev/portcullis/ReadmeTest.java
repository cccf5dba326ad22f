package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.portcullis.config.Setting;
import dev.portcullis.saml.SamlErrorCode;

/**
 * The README stays true: its settings table is exactly what {@link Setting} defines, and its
 * troubleshooting table lists every {@link SamlErrorCode} with the description the code carries.
 * On failure the expected rows are written to {@code target/readme-*.md} to paste in.
 */
class ReadmeTest {

    private static final Path README = Path.of("..", "README.md");

    static List<String> settingRows() {
        List<String> rows = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            String value = setting.defaultValue() == null ? "(none)"
                    : setting.defaultValue().isEmpty() ? "(empty)" : "`" + setting.defaultValue() + "`";
            rows.add("| `" + setting.attribute() + "` | " + value + " | " + cell(setting.description()) + " |");
        }
        return rows;
    }

    static List<String> errorRows() {
        List<String> rows = new ArrayList<>();
        for (SamlErrorCode code : SamlErrorCode.values()) {
            rows.add("| `" + code.code() + "` | " + cell(code.description()) + " |");
        }
        return rows;
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void check(List<String> rows, String name) throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        List<String> missing = rows.stream().filter(row -> !readme.contains(row)).toList();
        if (!missing.isEmpty()) {
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "readme-" + name + ".md"), rows, StandardCharsets.UTF_8);
        }
        assertThat(missing).as("README rows out of date; expected rows are in target/readme-" + name + ".md").isEmpty();
    }

    @Test
    void theSettingsTableMatchesTheSettings() throws IOException {
        check(settingRows(), "settings");
    }

    @Test
    void theTroubleshootingTableListsEveryErrorCode() throws IOException {
        check(errorRows(), "errors");
    }
}
