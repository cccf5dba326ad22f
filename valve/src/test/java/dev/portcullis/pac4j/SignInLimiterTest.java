package dev.portcullis.pac4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.config.RateLimit;
import dev.portcullis.testkit.TestClock;

class SignInLimiterTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));

    private SignInLimiter limiter(int count, Duration period) {
        return new SignInLimiter(new RateLimit(count, period), clock, new AuditLog());
    }

    @Test
    void allowsABurstOfTheLimitThenRefillsEvenly() {
        SignInLimiter limiter = limiter(10, Duration.ofSeconds(10));
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.acquire("192.0.2.1").allowed()).isTrue();
        }
        SignInLimiter.Decision refused = limiter.acquire("192.0.2.1");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);

        clock.advance(Duration.ofMillis(999));
        assertThat(limiter.acquire("192.0.2.1").allowed()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.acquire("192.0.2.1").allowed()).isTrue();
        assertThat(limiter.acquire("192.0.2.1").allowed()).isFalse();
        assertThat(limiter.acquire("192.0.2.2").allowed()).as("another address").isTrue();
    }

    @Test
    void neverHoldsMoreThanItsBoundOfAddresses() {
        SignInLimiter limiter = limiter(1, Duration.ofMinutes(1));
        for (int i = 0; i < SignInLimiter.MAX_ADDRESSES + 5_000; i++) {
            limiter.acquire("10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff));
        }
        assertThat(limiter.size()).isEqualTo(SignInLimiter.MAX_ADDRESSES);
    }

    @Test
    void offAllowsEverythingAndRemembersNothing() {
        SignInLimiter limiter = new SignInLimiter(RateLimit.OFF, clock, new AuditLog());
        for (int i = 0; i < 1_000; i++) {
            assertThat(limiter.acquire("192.0.2.1").allowed()).isTrue();
        }
        assertThat(limiter.size()).isZero();
    }

    @Test
    void countsIpv4AsItIsIpv6PerSlash64AndNeverResolvesANameOrKeepsLongText() {
        assertThat(SignInLimiter.key("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(SignInLimiter.key("2001:db8:1:2::1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(SignInLimiter.key("2001:0db8:0001:0002:ffff:0:0:9")).isEqualTo("2001:db8:1:2::/64");
        assertThat(SignInLimiter.key("[2001:db8:1:3::1]")).isEqualTo("2001:db8:1:3::/64");
        assertThat(SignInLimiter.key("::ffff:198.51.100.4")).isEqualTo("198.51.100.4");
        assertThat(SignInLimiter.key("evil:example.com")).isEqualTo("evil:example.com");
        assertThat(SignInLimiter.key("x".repeat(500))).hasSize(64);
        assertThat(SignInLimiter.key(null)).isEqualTo("-");
    }
}
