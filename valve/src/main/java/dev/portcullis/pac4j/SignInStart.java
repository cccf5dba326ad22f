package dev.portcullis.pac4j;

import org.pac4j.core.context.WebContext;

import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.RelayStates.Handle;
import dev.portcullis.session.RelayStates.Purpose;

/**
 * The start of every sign-in, whatever the protocol (SamlRedirectionActionBuilder, the OIDC add-on's redirections):
 * the client address is rationed first (signInRateLimit: a 429 before any work is done, {@link SignInLimiter}),
 * then where the user returns is chosen (the URL asked for when it is a local path of at most
 * {@value #MAX_ORIGINAL_URL} characters, else defaultLandingPath), and a new sign-in handle is made with that place
 * remembered under it ({@link PendingLoginStore}). What goes to the IdP or provider is the protocol's.
 */
public final class SignInStart {

    /** Longest original URL remembered; a longer one lands on the default page instead. */
    static final int MAX_ORIGINAL_URL = 2048;

    private final PendingLoginStore pending;
    private final SignInLimiter limiter;
    private final String defaultLandingPath;

    /** A sign-in begun: its handle, and whether it is a step-up. */
    public record Started(Handle handle, Purpose purpose) {
    }

    public SignInStart(PendingLoginStore pending, SignInLimiter limiter, String defaultLandingPath) {
        this.pending = pending;
        this.limiter = limiter;
        this.defaultLandingPath = defaultLandingPath;
    }

    /**
     * Begins a sign-in for this request.
     *
     * @throws TooManySignInsAction when the client address is over signInRateLimit (a page for a browser, else a bare 429)
     */
    public Started begin(WebContext context) {
        // Issue 10: a sign-in start is work an anonymous client orders at will (a cache entry, a request to the IdP,
        // perhaps a signature), so it is rationed per client address before any of it is done.
        SignInLimiter.Decision decision = limiter.acquire(context.getRemoteAddr());
        if (!decision.allowed()) {
            String accept = context.getRequestHeader("Accept").orElse("");
            throw new TooManySignInsAction(decision.retryAfterSeconds(),
                    accept.contains("text/html") || accept.contains("application/xhtml+xml"));
        }
        RequestState state = RequestState.of(context);
        String original = state.requestedUrl() != null ? state.requestedUrl() : defaultLandingPath;
        if (!PendingLoginRedirects.isLocalPath(original) || original.length() > MAX_ORIGINAL_URL) {
            original = defaultLandingPath;
        }
        Purpose purpose = state.stepUp() ? Purpose.STEP_UP : Purpose.SIGN_IN;
        return new Started(pending.startSignIn(purpose, original), purpose);
    }
}
