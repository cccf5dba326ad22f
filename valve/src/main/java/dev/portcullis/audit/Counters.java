package dev.portcullis.audit;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one valve has done since it started, counted where the event's audit line is written (or, for
 * the answers that have no audit line, where the answer is written), so that a metric and an audit line
 * can never tell two stories. Published by the valve's MBean ({@code dev.portcullis.engine.Operations})
 * and from there by the Prometheus JMX exporter. Only {@link LongAdder}s: an increment is a few
 * nanoseconds without a shared lock, and nothing is counted on the signed-in fast path.
 *
 * <p>The keys of the maps cross a process boundary (metric labels), so they are written out here and
 * never derived from an enum's name: {@link #LOGOUT_KINDS}, and the sign-in refusal codes the engine
 * registers ({@code SamlErrorCode.code()}). Thread-safe.
 */
public final class Counters {

    /** A session ended at the logout endpoint (with or without a LogoutRequest to the IdP). */
    public static final String LOGOUT_LOCAL = "local";
    /** A LogoutRequest sent to the IdP (SP-initiated Single Logout); each one also ended a session counted as local. */
    public static final String LOGOUT_SP_SLO = "sp_slo";
    /** A session ended by a LogoutRequest from the IdP. */
    public static final String LOGOUT_IDP = "idp";
    /** A session found past sessionIdleTimeout. */
    public static final String LOGOUT_IDLE = "idle";
    /** A session found past its absolute deadline (sessionMaxLifetime or the IdP's SessionNotOnOrAfter). */
    public static final String LOGOUT_LIFETIME = "lifetime";
    /** A session ended by an operator (the MBean's endSessionsOf or endAllSessions). */
    public static final String LOGOUT_ADMIN = "admin";
    /** Every logout kind, in the order the MBean lists them. */
    public static final java.util.List<String> LOGOUT_KINDS = java.util.List.of(LOGOUT_LOCAL, LOGOUT_SP_SLO, LOGOUT_IDP,
            LOGOUT_IDLE, LOGOUT_LIFETIME, LOGOUT_ADMIN);

    private final LongAdder signIns = new LongAdder();
    private final LongAdder stepUps = new LongAdder();
    private final LongAdder scriptsUnauthorized = new LongAdder();
    private final LongAdder stateStoreUnavailable = new LongAdder();
    private final LongAdder signInsRateLimited = new LongAdder();
    private final ConcurrentMap<String, LongAdder> refused = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> logoutsRefused = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> logouts = new ConcurrentHashMap<>();

    public Counters() {
        for (String kind : LOGOUT_KINDS) {
            logouts.put(kind, new LongAdder());
        }
    }

    /**
     * Lists the codes a refusal can carry, so each is published from the start with 0 (a rate over a
     * series that appears only with its first event misses that event).
     */
    public Counters refusalCodes(Collection<String> codes) {
        for (String code : codes) {
            refused.putIfAbsent(code, new LongAdder());
            logoutsRefused.putIfAbsent(code, new LongAdder());
        }
        return this;
    }

    void signedIn(boolean stepUp) {
        signIns.increment();
        if (stepUp) {
            stepUps.increment();
        }
    }

    void refused(String code) {
        refused.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void logoutRefused(String code) {
        logoutsRefused.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** {@code kind}: one of {@link #LOGOUT_KINDS}; {@code sessions} ended at once. */
    public void loggedOut(String kind, long sessions) {
        // The kinds are the audit lines' causes, fixed strings in the code: the map cannot grow from input.
        logouts.computeIfAbsent(kind, k -> new LongAdder()).add(sessions);
    }

    void rateLimited(int refusedStarts) {
        signInsRateLimited.add(refusedStarts);
    }

    /** A script (no HTML in Accept) got 401 instead of a redirect to the IdP. */
    public void scriptUnauthorized() {
        scriptsUnauthorized.increment();
    }

    /** A request was answered 503 because the state store did not answer. */
    public void stateStoreUnavailable() {
        stateStoreUnavailable.increment();
    }

    public long signIns() {
        return signIns.sum();
    }

    public long stepUps() {
        return stepUps.sum();
    }

    public long scriptsUnauthorized() {
        return scriptsUnauthorized.sum();
    }

    public long stateStoreUnavailableAnswers() {
        return stateStoreUnavailable.sum();
    }

    /** Sign-in starts refused with 429 (as reported in the sign_in_rate_limited audit lines). */
    public long signInsRateLimited() {
        return signInsRateLimited.sum();
    }

    /** Refused sign-ins by error code, sorted by code. */
    public Map<String, Long> refusedByCode() {
        return snapshot(refused);
    }

    /** Refused logout messages by error code, sorted by code. */
    public Map<String, Long> logoutsRefusedByCode() {
        return snapshot(logoutsRefused);
    }

    /** Sessions ended by kind ({@link #LOGOUT_KINDS}), sorted by kind. */
    public Map<String, Long> logoutsByKind() {
        return snapshot(logouts);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> adders) {
        Map<String, Long> copy = new TreeMap<>();
        adders.forEach((key, adder) -> copy.put(key, adder.sum()));
        return copy;
    }
}
