// Security rules hold on the browser doors too: the web SDK's WebChannel (Listen, Write) and
// REST (a transaction's batchGet and commit) calls are checked like gRPC ones.
import { expect } from "chai";

import { loadRules, PROJECT_ID } from "../helpers";
import { BrowserRig, inPage, waitForSeen, withStandin, type TransportName } from "./harness";

const RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /open/{id} { allow read, write: if true; }
    match /closed/{id} { allow read, write: if false; }
  }
}`;

describe("Firestore stand-in in a browser: security rules on the REST and WebChannel doors", function () {
  this.timeout(90_000);
  const rig = new BrowserRig();
  before(() => rig.start());
  after(() => rig.stop());

  for (const transport of ["default", "longPolling"] as TransportName[]) {
    it(`refuses what the rules deny and serves what they allow (${transport})`, async () => {
      await withStandin(rig, transport, async ({ page, port }) => {
        await loadRules(PROJECT_ID, RULES, `127.0.0.1:${port}`);

        // Write stream / commits.
        expect(await inPage(page, "write", "set", "open/a", { n: 1 })).to.equal("ok");
        expect(await inPage(page, "write", "set", "closed/a", { n: 1 })).to.equal(
          "permission-denied",
        );
        // Listen: a denied target ends with the error, an allowed one goes live.
        await inPage(page, "watchDoc", "closed", "closed/a");
        await waitForSeen(page, "closed", (s) => s.error === "permission-denied", "the refusal");
        await inPage(page, "watchDoc", "open", "open/a");
        await waitForSeen(page, "open", (s) => s.fromCache === false && s.data?.n === 1, "open/a");
        // REST: a transaction reads with batchGet and writes with commit.
        expect(await inPage(page, "addOneInTransaction", "closed/t")).to.equal("permission-denied");
        expect(await inPage(page, "addOneInTransaction", "open/t")).to.equal("ok");
      });
    });
  }
});
