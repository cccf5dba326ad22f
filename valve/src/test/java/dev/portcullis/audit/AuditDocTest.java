package dev.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.portcullis.config.RoleMapper.DropReason;

/**
 * docs/AUDIT.md is the schema security teams write rules against, so it must be the code's: its event
 * table, field table and fixed-values table equal {@link AuditEvent}, {@link AuditField} and the
 * enumerations behind the fixed values, in both directions (an event, field or value in the code but not
 * in the doc fails, and the reverse), and every example line is a valid event of its type.
 */
class AuditDocTest {

    private static final Path DOC = Path.of("..", "docs", "AUDIT.md");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private static String doc() throws IOException {
        return Files.readString(DOC, StandardCharsets.UTF_8);
    }

    /** The body rows of the table whose header row starts with {@code header}, split into trimmed cells. */
    static List<List<String>> table(String doc, String header) {
        List<String> lines = doc.lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(header)) {
                assertThat(start).as("one table headed " + header).isEqualTo(-1);
                start = i;
            }
        }
        assertThat(start).as("a table headed " + header + " in docs/AUDIT.md").isNotEqualTo(-1);
        List<List<String>> rows = new ArrayList<>();
        for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i).trim();
            // Cells split on | not escaped as \|.
            String[] cells = line.substring(1, line.length() - 1).split("(?<!\\\\)\\|", -1);
            rows.add(Arrays.stream(cells).map(String::trim).toList());
        }
        return rows;
    }

    /** The names in backquotes of one cell, in order. */
    static List<String> codes(String cell) {
        List<String> names = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String single(String cell) {
        List<String> names = codes(cell);
        assertThat(names).as("one name in backquotes in [" + cell + "]").hasSize(1);
        return names.get(0);
    }

    @Test
    void theEventTableIsEveryEventWithItsLevelAndFields() throws IOException {
        Map<String, List<String>> documented = new LinkedHashMap<>();
        for (List<String> row : table(doc(), "| Event | Level | Always | Sometimes |")) {
            String name = single(row.get(0));
            List<String> description = new ArrayList<>();
            description.add(row.get(1));
            description.add(String.join(",", codes(row.get(2))));
            description.add(String.join(",", codes(row.get(3))));
            assertThat(documented.put(name, description)).as("documented once: " + name).isNull();
        }
        Map<String, List<String>> coded = new LinkedHashMap<>();
        for (AuditEvent event : AuditEvent.values()) {
            List<String> always = event.always().stream().filter(f -> f != AuditField.EVENT).map(AuditField::key).toList();
            List<String> sometimes = event.sometimes().stream().map(AuditField::key).sorted().toList();
            coded.put(event.code(), List.of(event.level().name(), String.join(",", always), String.join(",", sometimes)));
        }
        assertThat(documented).isEqualTo(coded);
    }

    @Test
    void theFieldTableIsEveryFieldWithItsType() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        for (List<String> row : table(doc(), "| Field | Type | Meaning |")) {
            assertThat(documented.put(single(row.get(0)), row.get(1))).as("documented once: " + row.get(0)).isNull();
        }
        Map<String, String> coded = new LinkedHashMap<>();
        for (AuditField field : AuditField.values()) {
            coded.put(field.key(), field.type().jsonName());
        }
        assertThat(documented).isEqualTo(coded);
    }

    @Test
    void theFixedValuesTableIsEveryValueTheCodeCanWrite() throws IOException {
        Map<String, List<String>> documented = new LinkedHashMap<>();
        for (List<String> row : table(doc(), "| Event | Field | Values |")) {
            String key = single(row.get(0)) + "." + single(row.get(1));
            assertThat(documented.put(key, codes(row.get(2)))).as("documented once: " + key).isNull();
        }
        Map<String, List<String>> coded = new LinkedHashMap<>();
        coded.put(AuditEvent.LOGOUT.code() + "." + AuditField.CAUSE.key(),
                Arrays.stream(AuditLog.LogoutCause.values()).map(AuditLog.LogoutCause::code).toList());
        coded.put(AuditEvent.SESSION_EXPIRED.code() + "." + AuditField.CAUSE.key(),
                Arrays.stream(AuditLog.ExpiryCause.values()).map(AuditLog.ExpiryCause::code).toList());
        coded.put(AuditEvent.ROLE_DROPPED.code() + "." + AuditField.REASON.key(),
                Arrays.stream(DropReason.values()).map(DropReason::code).toList());
        coded.put(AuditEvent.ADMIN_ACTION.code() + "." + AuditField.ACTION.key(),
                Arrays.stream(AuditLog.AdminAction.values()).map(AuditLog.AdminAction::code).toList());
        assertThat(documented).isEqualTo(coded);
    }

    /** Each example line is a file line of a known event: its level, every field it always has, none it lacks. */
    @Test
    void everyExampleLineIsAValidEventOfItsType() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> examples = doc().lines().filter(line -> line.startsWith("{\"timestamp\":")).toList();
        Set<String> types = new HashSet<>();
        for (String line : examples) {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = json.readValue(line, Map.class);
            assertThat(parsed).containsOnlyKeys("timestamp", "level", "audit");
            @SuppressWarnings("unchecked")
            Map<String, Object> audit = (Map<String, Object>) parsed.get("audit");
            AuditEvent event = Arrays.stream(AuditEvent.values()).filter(e -> e.code().equals(audit.get("event")))
                    .findFirst().orElseThrow(() -> new AssertionError("no such event: " + line));
            types.add(event.code());
            assertThat(parsed.get("level")).as(line).isEqualTo(event.level().name());
            for (AuditField field : event.always()) {
                assertThat(audit).as(line).containsKey(field.key());
            }
            for (Map.Entry<String, Object> entry : audit.entrySet()) {
                AuditField field = Arrays.stream(AuditField.values()).filter(f -> f.key().equals(entry.getKey()))
                        .findFirst().orElseThrow(() -> new AssertionError("no such field " + entry.getKey() + ": " + line));
                assertThat(event.declares(field)).as(field.key() + " in " + line).isTrue();
                assertThat(entry.getValue()).as(field.key() + " in " + line)
                        .isInstanceOf(field.type() == AuditField.Type.INTEGER ? Integer.class : String.class);
            }
            assertThat(new ArrayList<>(audit.keySet())).as("keys in Log4j's order: " + line)
                    .isSorted();
        }
        assertThat(types).as("an example of every event type")
                .containsExactlyInAnyOrder(Arrays.stream(AuditEvent.values()).map(AuditEvent::code).toArray(String[]::new));
    }
}
