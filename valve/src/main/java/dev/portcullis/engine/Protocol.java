package dev.portcullis.engine;

import java.io.IOException;
import java.util.List;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.pac4j.core.client.IndirectClient;

/**
 * A sign-in protocol besides the built-in SAML 2.0, delivered in an add-on JAR next to the valve JAR and
 * found with {@link java.util.ServiceLoader} on the valve's own class loader (so only a JAR in the same
 * {@code lib/} folder can provide one; a webapp cannot). Selected by the {@code protocol} setting; OpenID
 * Connect ({@code portcullis-oidc-VERSION.jar}) is the one there is.
 *
 * <p>A protocol supplies only what differs: the pac4j client (the sign-in request, the callback's
 * credentials, their validation and the profile, central logout) and its own endpoints. Everything after
 * sign-in (session, cookie, timeouts, roles, step-up paths, logout form, audit, MBean) is the engine's, the
 * same for every protocol. The types here name no Servlet API package, so that one add-on serves the
 * Tomcat 9 and the Tomcat 10.1/11 valve alike.
 */
public interface Protocol {

    /** The value of the {@code protocol} setting that selects this protocol, such as {@code oidc}. */
    String name();

    /**
     * Builds and starts the protocol's side of an engine (reads the provider's metadata, say).
     *
     * @throws dev.portcullis.config.ConfigurationException naming the setting at fault
     */
    Side start(ProtocolContext context);

    /** A started protocol: what the engine routes to it. Closed when the engine stops. */
    interface Side extends AutoCloseable {

        /** The pac4j client; its name is the one the engine passes to pac4j's security and callback logic. */
        IndirectClient client();

        /** The identity provider's identifier, as sessions record it (the OIDC issuer). */
        String providerId();

        /** Whether {@code /sso/logout} can also end the session at the provider (with singleLogout=true). */
        boolean offersCentralLogout();

        /** The endpoint at {@code backchannelLogoutPath}, or null when the protocol has none. */
        Endpoint backchannelLogout();

        /** Every error code a refused sign-in can carry, published by the MBean's counters from the start. */
        List<String> refusalCodes();

        /** One line for the start-up log: what the valve trusts and where sign-ins go. */
        String describe();

        @Override
        void close();
    }

    /** One of the protocol's own endpoints, answered by Portcullis before any webapp. */
    @FunctionalInterface
    interface Endpoint {
        void serve(Request request, Response response, String path) throws IOException;
    }
}
