# Shared by the tests that read the public SCOM packs of the shared corpus
# (sourced from the checkout's root): test input, not part of mpmon, so a
# user's clone may not have it. $corpus is the folder: MP_CORPUS, or
# ../shared/mp-corpus beside the checkout when MP_CORPUS is unset or empty.
corpus=${MP_CORPUS:-../shared/mp-corpus}

# corpus_missing WHAT: when the folder is missing, one TAP line for the checks
# WHAT that need it, and status 0: a skip that names the folder and how to
# run them; a failure when MP_CORPUS names the folder (CI does: there the
# corpus must be). Status 1, nothing printed, when the folder is there. The
# caller counts its checks in n and its failures in fail.
corpus_missing() {
	[ -d "$corpus" ] && return 1
	n=$((n + 1))
	if [ -n "${MP_CORPUS:-}" ]; then
		echo "not ok $n - $1: no pack corpus at $corpus (MP_CORPUS)"
		fail=$((fail + 1))
	else
		echo "ok $n # SKIP $1: no pack corpus at $corpus (MP_CORPUS=DIR make check runs them)"
	fi
	return 0
}
