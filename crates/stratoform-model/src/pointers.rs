//! Where the model's objects are written in the spec, as JSON pointers, for findings and links
//! that point from generated files back to the spec.

use crate::{Model, StackKind};

impl Model {
    /// `/regions/<i>` of a region.
    pub fn region_pointer(&self, region: &str) -> Option<String> {
        self.platform.regions.iter().position(|r| r.name.as_str() == region).map(|i| format!("/regions/{i}"))
    }

    /// `/environments/<i>` of this environment.
    pub fn environment_pointer(&self) -> String {
        let i = self.platform.environments.iter().position(|e| e.name == self.env.name).expect("the environment is declared in its platform");
        format!("/environments/{i}")
    }

    /// `/regions/<i>` of the region an environment stack is rooted in.
    pub fn environment_stack_pointer(&self, stack: &str) -> Option<String> {
        let s = self.stacks.iter().find(|s| s.kind == StackKind::Environment && s.name == stack)?;
        self.region_pointer(s.region.as_deref()?)
    }

    /// `/regions/<i>/clusters/<j>` of the cluster a `kubernetes/<dir>/` folder holds: `<cluster>`,
    /// or `<cluster>-<region>` when several regions have a cluster of that name (see
    /// [`crate::after_apply::cluster_dirs`]).
    pub fn cluster_pointer_of_dir(&self, dir: &str) -> Option<String> {
        self.platform.regions.iter().enumerate().find_map(|(i, r)| {
            let j = r.clusters.iter().position(|c| dir == c.name.as_str() || dir == format!("{}-{}", c.name, r.name))?;
            Some(format!("/regions/{i}/clusters/{j}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::JsonSpec;
    use crate::Model;

    #[test]
    fn pointers_of_regions_clusters_stacks_and_the_environment() {
        let region = |name: &str| json!({"name": name, "clusters": [{"name": "main", "vpc": "main", "version": "1.33"}]});
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}, {"name": "prod"}], "regions": [region("us-east-1"), region("eu-west-1")]
        }));
        let m = Model::resolve_all(&spec, Some("prod")).expect("valid spec").remove(0);
        assert_eq!(m.environment_pointer(), "/environments/1");
        assert_eq!(m.region_pointer("eu-west-1").as_deref(), Some("/regions/1"));
        assert_eq!(m.environment_stack_pointer("prod-eu-west-1").as_deref(), Some("/regions/1"));
        assert_eq!(m.environment_stack_pointer("dev-eu-west-1"), None);
        assert_eq!(m.cluster_pointer_of_dir("main-eu-west-1").as_deref(), Some("/regions/1/clusters/0"));
        assert_eq!(m.cluster_pointer_of_dir("main").as_deref(), Some("/regions/0/clusters/0"));
    }
}
