package dev.portcullis.pac4j;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pac4j.core.context.FrameworkParameters;

/**
 * What the valve hands to pac4j for one request.
 *
 * @param request  the request
 * @param response the response
 * @param path     the request path within the valve's scope: the whole normalized path at Host level,
 *                 the path below the context path at Context level
 */
public record ValveParameters(HttpServletRequest request, HttpServletResponse response, String path)
        implements FrameworkParameters {
}
