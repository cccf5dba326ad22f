package dev.portcullis.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.portcullis.testkit.TestClock;

/**
 * An outage under load is a handful of lines, not one per request: the first failure of a cause in
 * full, then at most one summary per interval while requests keep being refused, and one line when
 * the store answers again. Lines are collected from the log's sink, the clock is a test clock.
 */
class OutageLogTest {

    private static final String STORE = "terracotta://127.0.0.1:9410/portcullis";

    private final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final List<String> lines = new ArrayList<>();
    private final OutageLog log = new OutageLog(clock, Duration.ofSeconds(60), new OutageLog.Sink() {
        @Override
        public void error(String line) {
            lines.add("ERROR " + line);
        }

        @Override
        public void warn(String line) {
            lines.add("WARN " + line);
        }
    });

    private static StateUnavailableException unreachable(String cache) {
        return new StateUnavailableException(cache, "get", STORE,
                new IllegalStateException("lost", new java.util.concurrent.TimeoutException("no answer in 5 s")));
    }

    @Test
    void theFirstRefusalIsWrittenInFullAndTheNextOnesAreOnlyCounted() {
        log.refused("/sso/acs", "AAAAAAAAAA", unreachable("portcullis-pending-logins"));
        for (int i = 0; i < 1000; i++) {
            clock.advance(Duration.ofMillis(10));
            log.refused("/app/page", "B" + i, unreachable("portcullis-sessions"));
        }

        assertThat(lines).as("1001 refusals in 10 s").singleElement().satisfies(line -> assertThat(line)
                .startsWith("ERROR Answered [/sso/acs] with 503: Portcullis's state store is unavailable, correlation"
                        + " [AAAAAAAAAA]: cache [portcullis-pending-logins] get failed: TimeoutException: no answer in 5 s"));
    }

    @Test
    void whileRefusalsGoOnASummaryIsWrittenAtMostOncePerInterval() {
        log.refused("/sso/acs", "AAAAAAAAAA", unreachable("portcullis-replay"));
        for (int second = 1; second <= 150; second++) {
            clock.advance(Duration.ofSeconds(1));
            log.refused("/app/page", "B" + second, unreachable("portcullis-sessions"));
            log.refused("/app/page", "C" + second, unreachable("portcullis-sessions"));
        }

        assertThat(lines).as("301 refusals in 150 s").hasSize(3);
        assertThat(lines.get(1)).isEqualTo("WARN 119 request(s) refused with 503 in the last 60 s: state store unreachable"
                + " at " + STORE);
        assertThat(lines.get(2)).isEqualTo("WARN 120 request(s) refused with 503 in the last 60 s: state store unreachable"
                + " at " + STORE);
    }

    @Test
    void eachCauseIsLoggedOnItsOwn() {
        log.refused("/sso/acs", "AAAAAAAAAA", unreachable("portcullis-replay"));
        log.refused("/sso/acs", "BBBBBBBBBB", new StateUnavailableException("portcullis-replay", "putIfAbsent", STORE,
                new IllegalStateException("the server refused: resource full")));
        log.refused("/sso/acs", "CCCCCCCCCC", unreachable("portcullis-replay"));

        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("correlation [BBBBBBBBBB]");
        assertThat(new StateUnavailableException("c", "o", STORE, new IllegalStateException("x")).reason())
                .isEqualTo("state store " + STORE + " failed: IllegalStateException");
        assertThat(unreachable("c").reason()).isEqualTo("state store unreachable at " + STORE);
    }

    @Test
    void theWatchSeeingTheStoreGoAndComeBackIsOneLineEachWithTheRefusalsInBetween() {
        log.storeDown("state store unreachable at " + STORE, "the state store at " + STORE + " failed: ...");
        log.storeDown("state store unreachable at " + STORE, "the state store at " + STORE + " failed: again");
        log.refused("/sso/acs", "AAAAAAAAAA", unreachable("portcullis-replay"));
        for (int i = 0; i < 41; i++) {
            log.refused("/app/page", "B" + i, unreachable("portcullis-sessions"));
        }
        clock.advance(Duration.ofSeconds(8));
        log.storeBack(STORE, Duration.ofMillis(8_300), " (all 4 caches reconnected)");

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("ERROR The state store does not answer: the state store at " + STORE);
        assertThat(lines.get(1)).contains("correlation [AAAAAAAAAA]");
        assertThat(lines.get(2)).isEqualTo("WARN The state store at " + STORE + " answers again after 8.3 s (all 4 caches"
                + " reconnected); 42 request(s) were refused with 503 meanwhile.");

        log.refused("/sso/acs", "DDDDDDDDDD", unreachable("portcullis-replay"));
        assertThat(lines).as("the next outage starts afresh").hasSize(4);
        assertThat(lines.get(3)).contains("correlation [DDDDDDDDDD]");
    }

    @Test
    void aCauseNoWatchFollowsEndsAfterAQuietInterval() {
        StateUnavailableException heap = new StateUnavailableException("portcullis-sessions", "get", Caches.HEAP,
                new IllegalStateException("broken"));
        log.refused("/app/page", "AAAAAAAAAA", heap);
        log.refused("/app/page", "BBBBBBBBBB", heap);
        clock.advance(Duration.ofSeconds(61));
        log.tick();
        clock.advance(Duration.ofSeconds(61));
        log.tick();
        log.refused("/app/page", "CCCCCCCCCC", heap);

        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("WARN 1 request(s) refused with 503 in the last 61 s: state store (heap) failed");
        assertThat(lines.get(2)).contains("correlation [CCCCCCCCCC]");
    }
}
