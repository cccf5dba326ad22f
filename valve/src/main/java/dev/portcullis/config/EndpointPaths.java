package dev.portcullis.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where Portcullis's own endpoints are, below the context path (at Host level: the whole path). By
 * default all six share the {@code endpointPath} prefix; the four that other systems know about (the
 * ACS and Single Logout URLs registered at the IdP, the metadata URL, the sign-out link in webapps)
 * can each be moved, so that Portcullis can take over the URLs of the SP it replaces. Each path is
 * answered by Portcullis only, before protectedPaths and excludedPaths apply; no two endpoints share
 * one (a message must never be handed to the wrong endpoint). Immutable.
 *
 * @param prefix    {@code endpointPath}: any other path below it is answered with 404 by Portcullis
 * @param acs       the Assertion Consumer Service
 * @param slo       Single Logout (the IdP's LogoutRequests and LogoutResponses)
 * @param metadata  the SP metadata
 * @param logout    the sign-out form
 * @param signedOut the page users land on after sign-out (always below the prefix: only Portcullis links to it)
 * @param health    the health check for load balancers (always below the prefix)
 * @param callback  with protocol=oidc: the redirect URI, where the provider sends the authorization code
 * @param backchannelLogout with protocol=oidc: where the provider posts logout tokens
 */
public record EndpointPaths(String prefix, String acs, String slo, String metadata, String logout, String signedOut,
                            String health, String callback, String backchannelLogout) {

    /** The paths from the settings, each defaulting to endpointPath + its name; refuses two endpoints on one path. */
    static EndpointPaths of(Map<Setting, Object> values) {
        String prefix = (String) values.get(Setting.ENDPOINT_PATH);
        EndpointPaths paths = new EndpointPaths(prefix,
                path(values, Setting.ACS_PATH, prefix + "/acs"),
                path(values, Setting.SLO_PATH, prefix + "/slo"),
                path(values, Setting.METADATA_PATH, prefix + "/metadata"),
                path(values, Setting.LOGOUT_PATH, prefix + "/logout"),
                prefix + "/signed-out", prefix + "/health",
                path(values, Setting.CALLBACK_PATH, prefix + "/callback"),
                path(values, Setting.BACKCHANNEL_LOGOUT_PATH, prefix + "/backchannel-logout"));
        Map<String, Setting> seen = new LinkedHashMap<>();
        requireOwnPath(values, seen, paths.signedOut, Setting.ENDPOINT_PATH);
        requireOwnPath(values, seen, paths.health, Setting.ENDPOINT_PATH);
        requireOwnPath(values, seen, paths.acs, Setting.ACS_PATH);
        requireOwnPath(values, seen, paths.slo, Setting.SLO_PATH);
        requireOwnPath(values, seen, paths.metadata, Setting.METADATA_PATH);
        requireOwnPath(values, seen, paths.logout, Setting.LOGOUT_PATH);
        if ("oidc".equals(values.get(Setting.PROTOCOL))) {
            requireOwnPath(values, seen, paths.callback, Setting.CALLBACK_PATH);
            requireOwnPath(values, seen, paths.backchannelLogout, Setting.BACKCHANNEL_LOGOUT_PATH);
        }
        return paths;
    }

    private static String path(Map<Setting, Object> values, Setting setting, String fallback) {
        Object configured = values.get(setting);
        return configured != null ? (String) configured : fallback;
    }

    /** Names the setting the operator wrote (the other one may only be at its default). */
    private static void requireOwnPath(Map<Setting, Object> values, Map<String, Setting> seen, String path, Setting setting) {
        Setting earlier = seen.putIfAbsent(path, setting);
        if (earlier == null) {
            return;
        }
        boolean laterSet = values.containsKey(setting) && setting != Setting.ENDPOINT_PATH;
        Setting blamed = laterSet ? setting : earlier;
        Setting other = laterSet ? earlier : setting;
        String otherName = other == Setting.ENDPOINT_PATH ? "Portcullis's signed-out page or health check (endpointPath/signed-out,"
                + " endpointPath/health)"
                : other.attribute() + (values.containsKey(other) ? "" : " (its default)");
        throw new ConfigurationException(blamed.attribute(), path + " is also the path of " + otherName
                + "; every endpoint needs a path of its own.");
    }
}
