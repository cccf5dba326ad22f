package dev.portcullis.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as operators write them in {@code server.xml}: a number with a unit ({@code 500ms},
 * {@code 90s}, {@code 2m}, {@code 8h}, {@code 1d}) or ISO-8601 ({@code PT2M}). A bare number is refused:
 * "30" could mean seconds or minutes, and guessing wrong changes a security window.
 */
public final class Durations {

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    public static Duration parse(String setting, String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigurationException(setting, "a duration is required, such as 90s, 2m or 8h.");
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        Matcher matcher = WITH_UNIT.matcher(value);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        if (value.startsWith("pt") || value.startsWith("p")) {
            try {
                Duration duration = Duration.parse(value.toUpperCase(Locale.ROOT));
                if (!duration.isNegative()) {
                    return duration;
                }
            } catch (DateTimeParseException e) {
                // fall through to the message below
            }
        }
        throw new ConfigurationException(setting, "'" + text + "' is not a duration; write a number with a unit"
                + " (ms, s, m, h, d) such as 90s or 8h, or ISO-8601 such as PT2M.");
    }

    /** Prints a duration the way {@link #parse} reads it, for logs and error messages. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 86_400_000 == 0 && millis != 0) {
            return millis / 86_400_000 + "d";
        } else if (millis % 3_600_000 == 0 && millis != 0) {
            return millis / 3_600_000 + "h";
        } else if (millis % 60_000 == 0 && millis != 0) {
            return millis / 60_000 + "m";
        } else if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
