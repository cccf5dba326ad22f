package dev.portcullis.realworld;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.json.Json;

/**
 * The valve's audit lines as conf/log4j2.xml writes them (portcullis-audit.log, one JSON object per
 * line, the event's own fields under {@code audit}), read back for assertions.
 */
final class Audit {

    private Audit() {
    }

    /** The {@code audit} objects of every line of {@code log} whose event is {@code event}, in order. */
    static List<Map<String, Object>> events(String log, String event) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> parsed = new Json().toType(line, Json.MAP_TYPE);
            @SuppressWarnings("unchecked")
            Map<String, Object> audit = (Map<String, Object>) parsed.get("audit");
            if (audit != null && event.equals(audit.get("event"))) {
                events.add(audit);
            }
        }
        return events;
    }
}
