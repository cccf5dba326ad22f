package dev.portcullis.session;

/** Told when a session ends by logout, to end what hangs off it (the webapps' own HttpSessions). */
@FunctionalInterface
public interface SessionEndListener {

    SessionEndListener NONE = session -> { };

    void ended(SsoSession session);
}
