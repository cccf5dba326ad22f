package dev.portcullis.config;

import java.time.Duration;
import java.util.Locale;

/**
 * A rate written {@code N/duration}, such as {@code 100/10s}: at most N events in any period of that
 * length, refilled evenly (a token bucket holding N); or {@code off}. Immutable.
 *
 * @param count  events per period; 0 when off
 * @param period the period
 */
public record RateLimit(int count, Duration period) {

    /** No limit. */
    public static final RateLimit OFF = new RateLimit(0, Duration.ofSeconds(1));

    public boolean off() {
        return count == 0;
    }

    static RateLimit parse(String setting, String text) {
        String v = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (v.equals("off")) {
            return OFF;
        }
        int slash = v.indexOf('/');
        if (slash < 1) {
            throw new ConfigurationException(setting, "'" + text + "' is not a rate; write N/duration, such as 100/10s,"
                    + " or off.");
        }
        int count;
        try {
            count = Integer.parseInt(v.substring(0, slash).trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(setting, "'" + text + "' does not start with a whole number.");
        }
        Duration period = Durations.parse(setting, v.substring(slash + 1).trim());
        if (count < 1 || count > 1_000_000) {
            throw new ConfigurationException(setting, "the count must be between 1 and 1000000 (or write off).");
        }
        if (period.compareTo(Duration.ofSeconds(1)) < 0 || period.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigurationException(setting, "the period must be between 1s and 1h.");
        }
        return new RateLimit(count, period);
    }

    @Override
    public String toString() {
        return off() ? "off" : count + "/" + Durations.format(period);
    }
}
