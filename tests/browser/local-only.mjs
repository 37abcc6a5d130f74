// What both browser suites need of a context: every request that would
// leave 127.0.0.1 is refused and noted in `offsite`, so a test can fail on
// anything the theme loads from the internet.
export async function localOnly(context, offsite) {
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname !== "127.0.0.1") {
      offsite.push(url.href);
      return route.abort("blockedbyclient");
    }
    return route.continue();
  });
  return context;
}
