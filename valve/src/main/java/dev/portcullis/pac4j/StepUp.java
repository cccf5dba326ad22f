package dev.portcullis.pac4j;

import java.util.List;

import org.pac4j.core.context.WebContext;
import org.pac4j.core.context.session.SessionStore;
import org.pac4j.core.profile.UserProfile;
import org.pac4j.core.authorization.authorizer.Authorizer;

import dev.portcullis.config.PathPatterns;
import dev.portcullis.saml.AuthnRequestOptions;
import dev.portcullis.session.RelayStates.Purpose;
import dev.portcullis.session.SsoSession;

/**
 * Which sign-ins Portcullis asks the IdP for, and which paths need a stronger one (multi-factor,
 * say). As a pac4j {@link Authorizer} it refuses a session on a step-up path whose sign-in used none
 * of the required AuthnContextClassRefs; {@link PortcullisSecurityLogic} then sends the user back to
 * the IdP asking for one, instead of answering 403. Immutable and thread-safe.
 */
public final class StepUp implements Authorizer {

    public static final String NAME = "portcullisStepUp";

    private final AuthnRequestOptions everySignIn;
    private final PathPatterns paths;
    private final AuthnRequestOptions stepUp;

    /**
     * @param everySignIn what every AuthnRequest asks for
     * @param paths       the step-up paths (empty: none)
     * @param stepUp      what a step-up AuthnRequest asks for; its class refs are the acceptable ones
     */
    public StepUp(AuthnRequestOptions everySignIn, PathPatterns paths, AuthnRequestOptions stepUp) {
        this.everySignIn = everySignIn;
        this.paths = paths;
        this.stepUp = stepUp;
    }

    public boolean enabled() {
        return !paths.isEmpty();
    }

    /** Whether this path needs a step-up that this session lacks. */
    public boolean needed(String path, SsoSession session) {
        String used = session.authnContextClassRef();
        return enabled() && paths.matches(path) && (used == null || !stepUp.classRefs().contains(used));
    }

    @Override
    public boolean isAuthorized(WebContext context, SessionStore sessionStore, List<UserProfile> profiles) {
        for (UserProfile profile : profiles) {
            if (profile instanceof SamlProfile saml && needed(context.getPath(), saml.session())) {
                return false;
            }
        }
        return true;
    }

    /** What to ask the IdP for in a sign-in of this kind. */
    public AuthnRequestOptions options(Purpose purpose) {
        return purpose == Purpose.STEP_UP ? stepUp : everySignIn;
    }
}
