package dev.portcullis.tomcat;

import java.io.IOException;

import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Manager;
import org.apache.catalina.Session;
import org.apache.catalina.connector.Request;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import dev.portcullis.session.SessionEndListener;
import dev.portcullis.session.SsoSession;

/**
 * The webapps' own HttpSessions under a Portcullis session. After each signed-in request the valve
 * notes the HttpSession the webapp used (context name and session id, kept in the Portcullis session);
 * when the Portcullis session ends by logout, those HttpSessions are expired too, so an identity a
 * webapp cached in its own session does not outlive the sign-out. Only sessions on this node can be
 * reached; on other nodes of a cluster, the webapps' sessions are useless once the Portcullis session
 * is gone (protected paths send the user to sign in again), and expire by their own timeout.
 */
public final class WebappSessions implements SessionEndListener {

    private static final Logger LOG = LogManager.getLogger(WebappSessions.class);

    private final Container scope;
    private final boolean enabled;

    public WebappSessions(Container scope, boolean enabled) {
        this.scope = scope;
        this.enabled = enabled;
    }

    /** The webapp session this request used, as {@code "contextName id"}, or null. */
    public String used(Request request) {
        if (!enabled || request.getContext() == null) {
            return null;
        }
        Session session = request.getSessionInternal(false);
        return session == null || !session.isValid() ? null : request.getContext().getName() + " " + session.getIdInternal();
    }

    @Override
    public void ended(SsoSession session) {
        if (!enabled) {
            return;
        }
        for (String webappSession : session.webappSessions()) {
            int space = webappSession.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            Context context = context(webappSession.substring(0, space));
            Manager manager = context == null ? null : context.getManager();
            if (manager == null) {
                continue;
            }
            try {
                Session found = manager.findSession(webappSession.substring(space + 1));
                if (found != null) {
                    found.expire();
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot end the session of webapp [{}] for a logout: {}", context.getName(), e.toString());
            }
        }
    }

    private Context context(String name) {
        if (scope instanceof Context context) {
            return context.getName().equals(name) ? context : null;
        }
        return scope == null ? null : scope.findChild(name) instanceof Context context ? context : null;
    }
}
