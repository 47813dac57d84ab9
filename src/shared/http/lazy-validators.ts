// Fastify's own validators (the same @fastify/ajv-compiler, options and messages), compiled when a
// route first validates a request instead of while the app starts. Building the Ajv instance
// (compiling its meta-schema) and every route's validator took ~35 ms of a node's start-up, which
// is on the path of every restart; a restarted node's first requests are peer messages and
// /status, which have no schema, so the catch-up never waits for Ajv. A route's first request pays
// its compile once (a few ms). The schemas are constants that the route tests exercise, so a
// schema mistake still fails the tests, just no longer at start-up.
import AjvCompiler from '@fastify/ajv-compiler';

type BuildValidator = ReturnType<typeof AjvCompiler>;
type Compile = ReturnType<BuildValidator>;
type Route = Parameters<Compile>[0];
type Validate = ReturnType<Compile>;

export function lazyValidators(): BuildValidator {
  const build = AjvCompiler();
  const lazyBuild = (externalSchemas: Parameters<BuildValidator>[0], options: Parameters<BuildValidator>[1]): Compile => {
    let compile: Compile | undefined;
    return (route: Route) => {
      let validate: Validate | undefined;
      // Fastify reads `.errors` off the function it was given after a failed call.
      const lazy = ((data: unknown): unknown => {
        validate ??= (compile ??= build(externalSchemas, options))(route);
        const ok = validate(data);
        lazy.errors = validate.errors;
        return ok;
      }) as Validate;
      return lazy;
    };
  };
  return lazyBuild as BuildValidator;
}
