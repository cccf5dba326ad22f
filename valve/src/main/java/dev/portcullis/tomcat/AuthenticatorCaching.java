package dev.portcullis.tomcat;

import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Valve;
import org.apache.catalina.authenticator.AuthenticatorBase;
import org.apache.catalina.authenticator.FormAuthenticator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Keeps the webapps' own authenticators from outliving Portcullis. By default Tomcat's authenticator
 * copies the principal it sees into the webapp's HttpSession and restores it on later requests that
 * carry no principal. Behind Portcullis that copy would survive the end of the Portcullis session and
 * appear on excluded paths, so this turns the authenticator's {@code cache} off in every webapp the
 * valve covers, including webapps deployed or reloaded later: the principal then comes from
 * Portcullis on every request, and from nowhere else.
 *
 * <p>A webapp with its own FORM login needs that cache to work at all; it is left alone and named in
 * a warning, since its cached identities are outside Portcullis's control.
 */
public final class AuthenticatorCaching extends ContextWatch {

    private static final Logger LOG = LogManager.getLogger(AuthenticatorCaching.class);

    private final Container scope;

    private AuthenticatorCaching(Container scope) {
        this.scope = scope;
    }

    /** Starts watching the valve's container: a Host (all its contexts) or one Context. */
    public static AuthenticatorCaching watch(Container scope) {
        AuthenticatorCaching guard = new AuthenticatorCaching(scope);
        guard.followContexts(scope);
        return guard;
    }

    /** Stops watching (the valve is stopping). */
    public void release() {
        unfollowContexts(scope);
    }

    @Override
    void followed(Context context) {
        if (context.getState() == LifecycleState.STARTED || context.getState() == LifecycleState.STARTING) {
            disableCache(context);
        }
    }

    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        // ContextConfig installs the authenticator while the context configures itself, before it starts.
        if (Lifecycle.AFTER_START_EVENT.equals(event.getType()) && event.getLifecycle() instanceof Context context) {
            disableCache(context);
        }
    }

    public static void disableCache(Context context) {
        for (Valve valve : context.getPipeline().getValves()) {
            if (valve instanceof FormAuthenticator) {
                LOG.warn("Webapp [{}] has its own FORM login; identities it caches in its HttpSession are not ended"
                        + " by Portcullis. Remove its <login-config> or exclude it from Portcullis.", context.getName());
            } else if (valve instanceof AuthenticatorBase authenticator && authenticator.getCache()) {
                authenticator.setCache(false);
                LOG.debug("Authenticator cache turned off in webapp [{}]", context.getName());
            }
        }
    }
}
