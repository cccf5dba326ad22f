package dev.portcullis.tools;

import java.time.Duration;
import java.time.Instant;

/**
 * Makes text from a SAML message safe to print on an operator's terminal, and formats times. Every
 * value that comes from a message, from metadata or from a certificate passes through
 * {@link #safe}: an IdP-controlled (or attacker-controlled) value must not be able to move the
 * cursor, rewrite earlier lines with ANSI escape sequences, or reorder text with Unicode bidi
 * controls ("Trojan Source", CVE-2021-42574) while an operator reads it.
 */
final class Text {

    private Text() {
    }

    /**
     * The value with control characters (C0, DEL, C1), bidi controls and line/paragraph separators
     * written as visible escapes such as {@code \n} or {@code \u202E}; null becomes {@code (none)}.
     */
    static String safe(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String escape = escape(c);
            if (escape != null && out == null) {
                out = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            if (out != null) {
                out.append(escape != null ? escape : String.valueOf(c));
            }
        }
        return out == null ? value : out.toString();
    }

    /** Whether a character must never reach the terminal as itself. */
    static boolean isUnsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
    }

    private static String escape(char c) {
        if (!isUnsafe(c)) {
            return null;
        }
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> String.format("\\u%04X", (int) c);
        };
    }

    /** {@link #safe}, cut to {@code max} characters with the length shown. */
    static String safe(String value, int max) {
        if (value == null || value.length() <= max) {
            return safe(value);
        }
        return safe(value.substring(0, max)) + "... (" + value.length() + " characters)";
    }

    /** A value in double quotes, made safe, so that leading or trailing spaces stay visible. */
    static String quoted(String value) {
        return value == null ? "(none)" : "\"" + safe(value).replace("\"", "\\\"") + "\"";
    }

    /**
     * How {@code when} relates to {@code at}, for validity windows: {@code "4m 53s after the check
     * instant"}, or {@code "at the check instant"}.
     */
    static String relative(Instant when, Instant at) {
        Duration gap = Duration.between(at, when);
        if (gap.isZero()) {
            return "at the check instant";
        }
        return human(gap.abs()) + (gap.isNegative() ? " before" : " after") + " the check instant";
    }

    /** A duration in the two largest units: {@code 3d 4h}, {@code 4m 53s}, {@code 120ms}. */
    static String human(Duration duration) {
        long seconds = duration.getSeconds();
        if (seconds == 0) {
            return duration.toMillis() + "ms";
        }
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        if (days > 0) {
            return days + "d" + (hours > 0 ? " " + hours + "h" : "");
        }
        if (hours > 0) {
            return hours + "h" + (minutes > 0 ? " " + minutes + "m" : "");
        }
        if (minutes > 0) {
            return minutes + "m" + (rest > 0 ? " " + rest + "s" : "");
        }
        return rest + "s";
    }

    /** The last part of an algorithm or format URI, such as {@code rsa-sha256} or {@code emailAddress}. */
    static String shortUri(String uri) {
        if (uri == null) {
            return "(none)";
        }
        int cut = Math.max(uri.lastIndexOf('#'), uri.lastIndexOf(':'));
        return safe(cut >= 0 && cut < uri.length() - 1 ? uri.substring(cut + 1) : uri);
    }
}
