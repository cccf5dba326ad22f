package dev.portcullis.pac4j;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.config.RateLimit;

/**
 * Limits how many sign-ins one client address may start ({@code signInRateLimit}, such as
 * {@code 100/10s}): a token bucket per address holding that many starts, refilled evenly over the
 * period. A sign-in start is what an anonymous client can make the server do at will (a pending-login
 * entry, an AuthnRequest, perhaps a signature: issue 10); past the limit the client gets 429 with
 * Retry-After instead, which costs about what a 401 does.
 *
 * <p>The address is the one Tomcat reports, so behind a proxy declared with RemoteIpValve it is the
 * client's own. IPv6 clients are counted per /64, the block one subscriber usually holds (a host can
 * take any address in it). Memory is bounded: at most {@link #MAX_ADDRESSES} addresses are remembered,
 * the least recently seen forgotten first; a forgotten address starts again with a full bucket, so a
 * real user is never limited by someone else's traffic, and a client with more addresses than that is
 * bounded by the cost of each start, not by this. Thread-safe.
 */
public final class SignInLimiter {

    /** How many client addresses (or IPv6 /64s) are remembered at most: 1.4 MB of heap when full (JOL). */
    public static final int MAX_ADDRESSES = 10_000;

    private static final Logger LOG = LogManager.getLogger(SignInLimiter.class);
    private static final int MAX_KEY_LENGTH = 64;

    /** The answer for one sign-in start: allowed, or refused with the seconds until one is allowed again. */
    public record Decision(boolean allowed, long retryAfterSeconds) {
        static final Decision ALLOWED = new Decision(true, 0);
    }

    private static final class Bucket {
        double tokens;
        long updatedMillis;
        long warnedMillis = Long.MIN_VALUE;
        int refusedSinceWarning;
    }

    private final RateLimit limit;
    private final Clock clock;
    private final AuditLog audit;
    private final double tokensPerMilli;
    private final long periodMillis;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    public SignInLimiter(RateLimit limit, Clock clock, AuditLog audit) {
        this.limit = limit;
        this.clock = clock;
        this.audit = audit;
        this.periodMillis = limit.period().toMillis();
        this.tokensPerMilli = limit.off() ? 0 : (double) limit.count() / periodMillis;
    }

    /** Takes one sign-in start for this client address, or says how long it must wait. */
    public Decision acquire(String clientAddress) {
        if (limit.off()) {
            return Decision.ALLOWED;
        }
        String key = key(clientAddress);
        long now = clock.millis();
        int refused;
        long retryAfter;
        synchronized (buckets) {
            Bucket bucket = buckets.get(key);
            if (bucket == null) {
                bucket = new Bucket();
                bucket.tokens = limit.count();
                bucket.updatedMillis = now;
                buckets.put(key, bucket);
            } else if (now > bucket.updatedMillis) {
                bucket.tokens = Math.min(limit.count(), bucket.tokens + (now - bucket.updatedMillis) * tokensPerMilli);
                bucket.updatedMillis = now;
            }
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Decision.ALLOWED;
            }
            retryAfter = Math.max(1, (long) Math.ceil((1 - bucket.tokens) / tokensPerMilli / 1000));
            bucket.refusedSinceWarning++;
            // One line per address and period, however hard it pushes: the log must not become the next flood.
            if (bucket.warnedMillis != Long.MIN_VALUE && now - bucket.warnedMillis < periodMillis) {
                return new Decision(false, retryAfter);
            }
            bucket.warnedMillis = now;
            refused = bucket.refusedSinceWarning;
            bucket.refusedSinceWarning = 0;
        }
        LOG.warn("Client [{}] started more than signInRateLimit={} sign-ins; it gets 429 until its rate falls ({} refused"
                + " since the last line). Behind a proxy, check that RemoteIpValve gives Tomcat the client's address.",
                key, limit, refused);
        audit.signInRateLimited(clientAddress, key, refused);
        return new Decision(false, retryAfter);
    }

    /** How many addresses are remembered now (for tests). */
    int size() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    /**
     * The address as counted: an IPv4 address as it is, an IPv6 address by its /64 prefix, anything else
     * (a RemoteIpValve without validation passes whatever a trusted proxy sent) as its first 64 characters.
     * No name is ever resolved: only a string with a colon is parsed, and Java parses such a string as an
     * IPv6 literal or fails, without a DNS lookup.
     */
    static String key(String address) {
        if (address == null) {
            return "-";
        }
        if (address.indexOf(':') >= 0) {
            try {
                InetAddress parsed = InetAddress.getByName(address.startsWith("[") ? address : "[" + address + "]");
                if (parsed instanceof Inet6Address) {
                    byte[] bytes = parsed.getAddress();
                    StringBuilder prefix = new StringBuilder(24);
                    for (int i = 0; i < 8; i += 2) {
                        prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
                    }
                    return prefix.append(":/64").toString();
                }
                return parsed.getHostAddress();
            } catch (UnknownHostException e) {
                // not an address; counted by its text below
            }
        }
        return address.length() > MAX_KEY_LENGTH ? address.substring(0, MAX_KEY_LENGTH) : address;
    }
}
