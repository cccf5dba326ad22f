package dev.portcullis.pac4j;

import java.io.Serial;

import org.pac4j.core.exception.http.HttpAction;

/**
 * A sign-in start refused because the client address is over signInRateLimit: HTTP 429 with
 * Retry-After, a short page for a browser or a JSON body for anything that does not accept HTML.
 */
public final class TooManySignInsAction extends HttpAction {

    @Serial
    private static final long serialVersionUID = 1L;

    private final long retryAfterSeconds;
    private final boolean html;

    public TooManySignInsAction(long retryAfterSeconds, boolean html) {
        super(429);
        this.retryAfterSeconds = retryAfterSeconds;
        this.html = html;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Whether the client accepts HTML (a browser), else it gets JSON. */
    public boolean html() {
        return html;
    }
}
