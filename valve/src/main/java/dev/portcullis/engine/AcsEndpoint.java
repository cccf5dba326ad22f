package dev.portcullis.engine;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.pac4j.core.config.Config;

import dev.portcullis.pac4j.RequestState;
import dev.portcullis.pac4j.SamlClient;

/**
 * The Assertion Consumer Service: pac4j's callback logic with Portcullis's SAML client, which
 * extracts the SAMLResponse, validates it against the sign-in its RelayState proves, creates the
 * session and sends the user back to where they were going. Every outcome, a refusal too, is an
 * action pac4j hands to {@link dev.portcullis.pac4j.ActionAdapter}; pac4j never lets one escape
 * (its logics end every action in the adapter).
 */
final class AcsEndpoint {

    private final Config config;
    private final String defaultLandingPath;
    private final String clientName;

    /** @param clientName the protocol's pac4j client ({@link SamlClient#NAME}, or the OIDC add-on's) */
    AcsEndpoint(Config config, String defaultLandingPath, String clientName) {
        this.config = config;
        this.defaultLandingPath = defaultLandingPath;
        this.clientName = clientName;
    }

    void serve(Request request, Response response, String path) {
        config.getCallbackLogic().perform(config, defaultLandingPath, Boolean.TRUE, clientName,
                new RequestState(request, response, path));
    }
}
