package dev.portcullis.sample;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

/** The roles the sample checks with {@code isUserInRole}, as declared in web.xml's security-role elements. */
final class Roles {

    /** In the order the pages list them. */
    static final List<String> CHECKED = List.of("user", "admin");

    private Roles() {
    }

    /** The checked roles this request's user holds (empty when nobody is signed in). */
    static List<String> held(HttpServletRequest request) {
        return CHECKED.stream().filter(request::isUserInRole).toList();
    }
}
