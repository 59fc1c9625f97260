import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';
/**
 * Helmet's security headers with a CSP that serves the OpenAPI UI and bull-board (scripts and
 * styles from this origin; both set inline styles) and, later, a same-origin dashboard.
 */
async function securityHeaders(app) {
    await app.register(helmet, {
        contentSecurityPolicy: {
            directives: {
                defaultSrc: ["'self'"],
                scriptSrc: ["'self'"],
                styleSrc: ["'self'", "'unsafe-inline'"],
                imgSrc: ["'self'", 'data:'],
                fontSrc: ["'self'", 'data:'],
                connectSrc: ["'self'"],
                objectSrc: ["'none'"],
                frameAncestors: ["'none'"],
                baseUri: ["'self'"],
                formAction: ["'self'"],
                // Served over plain HTTP on a laptop: upgrading would break the docs there.
                upgradeInsecureRequests: null,
            },
        },
    });
}
export default fp(securityHeaders, { name: 'helmet' });
