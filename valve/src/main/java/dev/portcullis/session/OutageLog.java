package dev.portcullis.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What an operator reads while the state store fails, per cause ({@link StateUnavailableException#reason()}):
 * <ol>
 *   <li>the first failure, in one line: the store watch's when it sees the server go (ERROR), and the first
 *       request refused with 503, with its correlation id and the precise cause (ERROR);</li>
 *   <li>then, while requests keep being refused, at most one summary every {@link #SUMMARY_INTERVAL}
 *       ("120 requests refused in the last 60 s: state store unreachable at terracotta://..."; WARN);</li>
 *   <li>one line when the store answers again, with the refusals not summarized yet (WARN, so that it
 *       reaches catalina.out like the failure did).</li>
 * </ol>
 * Without it an outage under load wrote one ERROR line per request, thousands a second. The refusals that
 * are only counted still get their own correlation id on the 503 page; the log places them by time.
 * Thread-safe.
 */
public final class OutageLog {

    /** At most one summary per cause this often. */
    public static final Duration SUMMARY_INTERVAL = Duration.ofSeconds(60);

    /** Where the lines go: Log4j, or a list in tests. */
    interface Sink {
        void error(String line);

        void warn(String line);
    }

    private static final Logger LOG = LogManager.getLogger(OutageLog.class);
    private static final Sink LOG4J = new Sink() {
        @Override
        public void error(String line) {
            LOG.error(line);
        }

        @Override
        public void warn(String line) {
            LOG.warn(line);
        }
    };

    /** One cause while it lasts. */
    private static final class Outage {
        final Instant since;
        Instant summarizedAt;
        long sinceSummary;
        long total;
        boolean requestLogged;
        boolean announcedByWatch;
        boolean summarized;

        Outage(Instant since) {
            this.since = since;
            this.summarizedAt = since;
        }
    }

    private final Clock clock;
    private final Duration interval;
    private final Sink sink;
    private final Map<String, Outage> outages = new LinkedHashMap<>();

    public OutageLog(Clock clock) {
        this(clock, SUMMARY_INTERVAL, LOG4J);
    }

    OutageLog(Clock clock, Duration interval, Sink sink) {
        this.clock = clock;
        this.interval = interval;
        this.sink = sink;
    }

    /**
     * A request answered 503 because the state store failed: the first one of a cause is written in full,
     * the others are counted.
     *
     * @param request     what was asked, such as the request path
     * @param correlation the id shown on the 503 page
     */
    public void refused(String request, String correlation, StateUnavailableException e) {
        String line = null;
        synchronized (this) {
            Instant now = clock.instant();
            Outage outage = outages.computeIfAbsent(e.reason(), r -> new Outage(now));
            outage.total++;
            if (!outage.requestLogged) {
                outage.requestLogged = true;
                outage.summarizedAt = now;
                line = "Answered [" + request + "] with 503: Portcullis's state store is unavailable, correlation ["
                        + correlation + "]: " + e.getMessage() + " (further refusals for this cause are summarized every "
                        + interval.toSeconds() + " s)";
            } else {
                outage.sinceSummary++;
            }
        }
        if (line != null) {
            sink.error(line);
        }
        tick();
    }

    /** The store watch saw the store fail: written once per outage. */
    void storeDown(String reason, String detail) {
        synchronized (this) {
            Outage outage = outages.computeIfAbsent(reason, r -> new Outage(clock.instant()));
            if (outage.announcedByWatch) {
                return;
            }
            outage.announcedByWatch = true;
        }
        sink.error("The state store does not answer: " + detail + ". Every request that needs it gets 503 until it"
                + " answers again; refusals are summarized every " + interval.toSeconds() + " s.");
    }

    /**
     * The store answers again: one line, closing every cause about this store (its address in the reason),
     * with the refusals not summarized yet.
     */
    void storeBack(String store, Duration down, String detail) {
        long unsummarized = 0;
        long total = 0;
        boolean summarized = false;
        synchronized (this) {
            for (Iterator<Map.Entry<String, Outage>> i = outages.entrySet().iterator(); i.hasNext(); ) {
                Map.Entry<String, Outage> entry = i.next();
                if (entry.getKey().contains(store)) {
                    unsummarized += entry.getValue().sinceSummary;
                    total += entry.getValue().total;
                    summarized |= entry.getValue().summarized;
                    i.remove();
                }
            }
        }
        sink.warn("The state store at " + store + " answers again after " + seconds(down) + " s" + detail + "; "
                + total + " request(s) were refused with 503 meanwhile" + (summarized
                ? " (" + unsummarized + " since the last summary)" : "") + ".");
    }

    /** Writes the summaries that are due; forgets a cause nothing was refused for in a whole interval. */
    void tick() {
        StringBuilder lines = new StringBuilder();
        synchronized (this) {
            Instant now = clock.instant();
            for (Iterator<Map.Entry<String, Outage>> i = outages.entrySet().iterator(); i.hasNext(); ) {
                Map.Entry<String, Outage> entry = i.next();
                Outage outage = entry.getValue();
                Duration since = Duration.between(outage.summarizedAt, now);
                if (since.compareTo(interval) < 0) {
                    continue;
                }
                if (outage.sinceSummary > 0) {
                    lines.append(outage.sinceSummary).append(" request(s) refused with 503 in the last ")
                            .append(since.toSeconds()).append(" s: ").append(entry.getKey()).append('\n');
                    outage.sinceSummary = 0;
                    outage.summarizedAt = now;
                    outage.summarized = true;
                } else if (!outage.announcedByWatch) {
                    // A cause no watch follows (a heap store, say) that refused nothing for a whole interval has ended.
                    i.remove();
                }
            }
        }
        for (String line : lines.toString().split("\n")) {
            if (!line.isEmpty()) {
                sink.warn(line);
            }
        }
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
    }
}
