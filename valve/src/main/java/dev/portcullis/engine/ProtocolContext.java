package dev.portcullis.engine;

import java.io.IOException;
import java.time.Clock;

import org.apache.catalina.connector.Response;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.audit.CorrelationIds;
import dev.portcullis.config.Settings;
import dev.portcullis.pac4j.LoginFailures;
import dev.portcullis.pac4j.RoleReport;
import dev.portcullis.pac4j.SignInLimiter;
import dev.portcullis.pac4j.StepUp;
import dev.portcullis.session.CacheReplayCache;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.SessionEndListener;
import dev.portcullis.session.SessionRepository;
import dev.portcullis.web.ResponseWriter;

/**
 * What the engine hands a {@link Protocol} when it starts: the settings, the clock, the state (sessions,
 * replay cache, pending sign-ins with their self-proving handles), the shared policies (step-up, sign-in
 * rate limit, role report, login failures) and the ways to answer a request. The answers take Catalina's
 * {@link Response}, whose name is the same in every Tomcat edition, so an add-on never names a Servlet API
 * type; each goes through {@link ResponseWriter} (no-store, nosniff, CSP), the one writer of Portcullis's
 * responses.
 */
public final class ProtocolContext {

    private final Settings settings;
    private final Clock clock;
    private final SessionRepository sessions;
    private final CacheReplayCache replay;
    private final PendingLoginStore pending;
    private final StepUp stepUp;
    private final SignInLimiter limiter;
    private final LoginFailures failures;
    private final RoleReport roleReport;
    private final AuditLog audit;
    private final CorrelationIds correlationIds;
    private final SessionEndListener ends;
    private final ResponseWriter writer;

    ProtocolContext(Settings settings, Clock clock, SessionRepository sessions, CacheReplayCache replay,
                    PendingLoginStore pending, StepUp stepUp, SignInLimiter limiter, LoginFailures failures,
                    RoleReport roleReport, AuditLog audit, CorrelationIds correlationIds, SessionEndListener ends,
                    ResponseWriter writer) {
        this.settings = settings;
        this.clock = clock;
        this.sessions = sessions;
        this.replay = replay;
        this.pending = pending;
        this.stepUp = stepUp;
        this.limiter = limiter;
        this.failures = failures;
        this.roleReport = roleReport;
        this.audit = audit;
        this.correlationIds = correlationIds;
        this.ends = ends;
        this.writer = writer;
    }

    public Settings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    public SessionRepository sessions() {
        return sessions;
    }

    public CacheReplayCache replay() {
        return replay;
    }

    /** Sign-ins in progress: the handle the provider echoes (RelayState, OIDC state) and where the user was going. */
    public PendingLoginStore pending() {
        return pending;
    }

    public StepUp stepUp() {
        return stepUp;
    }

    public SignInLimiter limiter() {
        return limiter;
    }

    public LoginFailures failures() {
        return failures;
    }

    public RoleReport roleReport() {
        return roleReport;
    }

    public AuditLog audit() {
        return audit;
    }

    public CorrelationIds correlationIds() {
        return correlationIds;
    }

    /** Told of every session the provider ends (the webapps' own sessions end with it). */
    public SessionEndListener ends() {
        return ends;
    }

    /** A plain-text answer, {@code Cache-Control: no-store}. */
    public void text(Response response, int status, String text) throws IOException {
        writer.status(response, status, text);
    }

    /** An HTML page with a title and one paragraph (escaped). */
    public void page(Response response, int status, String title, String text) throws IOException {
        writer.page(response, status, title, text);
    }

    public void redirect(Response response, int status, String location) {
        writer.redirect(response, status, location);
    }

    public void methodNotAllowed(Response response, String allow, String text) throws IOException {
        writer.methodNotAllowed(response, allow, text);
    }
}
