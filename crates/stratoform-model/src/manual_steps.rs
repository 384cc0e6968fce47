//! The manual steps of an environment: what the spec records under `manualSteps` as done by
//! hand outside what stratoform generates, kept to the steps that apply to this environment.
//! The docs' "Not generated" section and the review's open items project this list.

use stratoform_spec::ManualStep;

use crate::Model;

/// A manual step that applies to the environment, with where the spec declares it.
#[derive(Clone, Copy, Debug)]
pub struct ResolvedManualStep<'a> {
    /// The step as written.
    pub step: &'a ManualStep,
    /// Its index under `manualSteps`, so `/manualSteps/<index>` points at it.
    pub index: usize,
}

impl ResolvedManualStep<'_> {
    /// The JSON pointer of the step in the spec.
    pub fn pointer(&self) -> String {
        format!("/manualSteps/{}", self.index)
    }
}

impl Model {
    /// The manual steps that apply to this environment, in spec order.
    pub fn manual_steps(&self) -> Vec<ResolvedManualStep<'_>> {
        self.platform
            .manual_steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.applies_to(self.env_name()))
            .map(|(index, step)| ResolvedManualStep { step, index })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::JsonSpec;
    use crate::Model;

    #[test]
    fn steps_apply_to_their_environments_and_keep_their_index() {
        let step = |name: &str, envs: &[&str]| {
            json!({"name": name, "description": "d", "reason": "r", "owner": "ops", "environments": envs})
        };
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}, {"name": "prod"}], "regions": [{"name": "us-east-1"}],
            "manualSteps": [step("everywhere", &[]), step("prod-only", &["prod"]), step("dev-only", &["dev"])]
        }));
        let models = Model::resolve_all(&spec, None).expect("valid spec");
        let steps = |m: &Model| m.manual_steps().iter().map(|s| (s.step.name.to_string(), s.pointer())).collect::<Vec<_>>();
        assert_eq!(steps(&models[0]), [("everywhere".to_owned(), "/manualSteps/0".to_owned()), ("dev-only".into(), "/manualSteps/2".into())]);
        assert_eq!(steps(&models[1]), [("everywhere".to_owned(), "/manualSteps/0".to_owned()), ("prod-only".into(), "/manualSteps/1".into())]);
    }
}
